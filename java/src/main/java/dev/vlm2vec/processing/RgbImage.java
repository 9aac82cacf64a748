package dev.vlm2vec.processing;

import java.awt.image.BufferedImage;
import org.jspecify.annotations.NullMarked;

/**
 * An 8-bit RGB image, row-major, channels interleaved ({@code pixels[(y * width + x) * 3 + c]}),
 * the form every processor works on.
 */
@NullMarked
public record RgbImage(int width, int height, byte[] pixels) {

    public RgbImage {
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("image size " + width + "x" + height + " must be positive");
        }
        if (pixels.length != width * height * 3) {
            throw new IllegalArgumentException("an RGB image of " + width + "x" + height + " needs " + width * height * 3
                    + " bytes, got " + pixels.length);
        }
    }

    /**
     * The RGB values of a decoded image as Pillow's {@code convert("RGB")} gives them: alpha
     * dropped, gray copied into the three channels, palette entries looked up, 16-bit samples
     * cut to their high byte (a lone 16-bit gray channel clips to 255); see {@link PillowRgb}.
     */
    public static RgbImage of(BufferedImage image) {
        return PillowRgb.of(image, image.getRaster().getNumBands() == 1);
    }

    public int get(int x, int y, int channel) {
        return pixels[(y * width + x) * 3 + channel] & 0xff;
    }

    /** Swaps the axes (PIL's Image.TRANSPOSE): pixel (x, y) moves to (y, x). */
    public RgbImage transpose() {
        byte[] out = new byte[pixels.length];
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                System.arraycopy(pixels, (y * width + x) * 3, out, (x * height + y) * 3, 3);
            }
        }
        return new RgbImage(height, width, out);
    }

    /**
     * This image on a larger canvas of {@code fill}, placed with its top-left corner at
     * ({@code left}, {@code top}).
     */
    public RgbImage pad(int left, int top, int newWidth, int newHeight, int fill) {
        if (left < 0 || top < 0 || left + width > newWidth || top + height > newHeight) {
            throw new IllegalArgumentException("a " + width + "x" + height + " image does not fit at (" + left + ", " + top
                    + ") on a " + newWidth + "x" + newHeight + " canvas");
        }
        byte[] out = new byte[newWidth * newHeight * 3];
        java.util.Arrays.fill(out, (byte) fill);
        for (int y = 0; y < height; y++) {
            System.arraycopy(pixels, y * width * 3, out, ((top + y) * newWidth + left) * 3, width * 3);
        }
        return new RgbImage(newWidth, newHeight, out);
    }

    /** The {@code w x h} region whose top-left corner is ({@code x0}, {@code y0}). */
    public RgbImage crop(int x0, int y0, int w, int h) {
        byte[] out = new byte[w * h * 3];
        for (int y = 0; y < h; y++) {
            System.arraycopy(pixels, ((y0 + y) * width + x0) * 3, out, y * w * 3, w * 3);
        }
        return new RgbImage(w, h, out);
    }
}
