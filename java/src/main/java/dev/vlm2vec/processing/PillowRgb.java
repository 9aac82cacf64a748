package dev.vlm2vec.processing;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBufferByte;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import org.jspecify.annotations.NullMarked;

/**
 * The RGB bytes Pillow's {@code convert("RGB")} gives for a decoded image, read from the
 * raster's stored samples rather than through {@link BufferedImage#getRGB}, whose colour
 * management brightens grayscale (Java's gray space is linear) and rescales 16-bit samples.
 * Pillow's rules (9.4, checked by {@code ImageModesTest} on files it decoded):
 * <ul>
 *   <li>gray: the value three times; alpha is dropped, never composited, for every mode;
 *   <li>palettes (incl. 1-, 2- and 4-bit images, GIF, BMP): the palette entry of each index;
 *   <li>16-bit samples: the high byte, except a 16-bit grayscale image without alpha, which
 *       Pillow opens as 32-bit integers ("I") and clips to 255;
 *   <li>CMYK: {@code nk = 255 - k; r = nk - c * nk / 255} (rounded as Pillow's MULDIV255).
 * </ul>
 */
@NullMarked
final class PillowRgb {

    private PillowRgb() {}

    /**
     * @param sixteenBitGrayClips whether 16-bit gray samples clip to 255 (a 16-bit grayscale
     *     file, even where the decoder added an alpha band for a tRNS colour) instead of
     *     keeping their high byte
     */
    static RgbImage of(BufferedImage image, boolean sixteenBitGrayClips) {
        int width = image.getWidth(), height = image.getHeight();
        ColorModel model = image.getColorModel();
        Raster raster = image.getRaster();
        if (image.getType() == BufferedImage.TYPE_3BYTE_BGR && raster.getDataBuffer() instanceof DataBufferByte buffer
                && buffer.getNumBanks() == 1 && raster.getMinX() == 0 && raster.getMinY() == 0
                && buffer.getData().length == width * height * 3) {
            return fromBgr(width, height, buffer.getData());  // what JPEG, BMP and WebP decoders mostly make
        }
        if (model instanceof IndexColorModel palette) {
            return fromPalette(raster, palette);
        }
        int colourType = model.getColorSpace().getType();
        if (model instanceof ComponentColorModel && !model.isAlphaPremultiplied()
                && (colourType == ColorSpace.TYPE_GRAY || colourType == ColorSpace.TYPE_RGB)
                && model.getNumColorComponents() == (colourType == ColorSpace.TYPE_GRAY ? 1 : 3)) {
            return fromComponents(raster, model.getComponentSize(0), model.getNumColorComponents(), sixteenBitGrayClips);
        }
        if (model instanceof ComponentColorModel && colourType == ColorSpace.TYPE_CMYK && model.getComponentSize(0) == 8) {
            return fromCmyk(raster, false);
        }
        // Packed 8-bit RGB (TYPE_INT_RGB, ARGB) and anything exotic: the colour model's sRGB values.
        int[] argb = image.getRGB(0, 0, width, height, null, 0, width);
        byte[] pixels = new byte[width * height * 3];
        for (int i = 0; i < argb.length; i++) {
            pixels[3 * i] = (byte) (argb[i] >> 16);
            pixels[3 * i + 1] = (byte) (argb[i] >> 8);
            pixels[3 * i + 2] = (byte) argb[i];
        }
        return new RgbImage(width, height, pixels);
    }

    private static RgbImage fromBgr(int width, int height, byte[] bgr) {
        byte[] pixels = new byte[bgr.length];
        for (int i = 0; i < pixels.length; i += 3) {
            pixels[i] = bgr[i + 2];
            pixels[i + 1] = bgr[i + 1];
            pixels[i + 2] = bgr[i];
        }
        return new RgbImage(width, height, pixels);
    }

    private static RgbImage fromPalette(Raster raster, IndexColorModel palette) {
        int width = raster.getWidth(), height = raster.getHeight();
        int entries = palette.getMapSize();
        // Indices past the palette's end read as black, as in Pillow's zero-filled palette.
        int indices = Math.max(entries, 1 << raster.getSampleModel().getSampleSize(0));
        byte[] reds = new byte[indices], greens = new byte[indices], blues = new byte[indices];
        byte[] r = new byte[entries], g = new byte[entries], b = new byte[entries];
        palette.getReds(r);
        palette.getGreens(g);
        palette.getBlues(b);
        System.arraycopy(r, 0, reds, 0, entries);
        System.arraycopy(g, 0, greens, 0, entries);
        System.arraycopy(b, 0, blues, 0, entries);
        byte[] pixels = new byte[width * height * 3];
        int[] row = new int[width];
        for (int y = 0; y < height; y++) {
            raster.getSamples(raster.getMinX(), raster.getMinY() + y, width, 1, 0, row);
            for (int x = 0, at = y * width * 3; x < width; x++, at += 3) {
                int index = row[x];
                pixels[at] = reds[index];
                pixels[at + 1] = greens[index];
                pixels[at + 2] = blues[index];
            }
        }
        return new RgbImage(width, height, pixels);
    }

    private static RgbImage fromComponents(Raster raster, int bits, int colours, boolean sixteenBitGrayClips) {
        int width = raster.getWidth(), height = raster.getHeight(), bands = raster.getNumBands();
        boolean clip = colours == 1 && sixteenBitGrayClips;
        byte[] pixels = new byte[width * height * 3];
        int[] row = new int[width * bands];
        for (int y = 0; y < height; y++) {
            raster.getPixels(raster.getMinX(), raster.getMinY() + y, width, 1, row);
            for (int x = 0, at = y * width * 3; x < width; x++, at += 3) {
                for (int c = 0; c < 3; c++) {
                    pixels[at + c] = (byte) toEightBits(row[x * bands + (colours == 1 ? 0 : c)], bits, clip);
                }
            }
        }
        return new RgbImage(width, height, pixels);
    }

    private static int toEightBits(int value, int bits, boolean clip) {
        if (bits == 8) {
            return value;
        }
        if (bits < 8) {
            return value * 255 / ((1 << bits) - 1);
        }
        return clip ? Math.min(value, 255) : value >> (bits - 8);
    }

    /** As {@link #fromCmyk(byte[], int, int, boolean)}, for a raster of four 8-bit bands. */
    static RgbImage fromCmyk(Raster raster, boolean inverted) {
        int width = raster.getWidth(), height = raster.getHeight();
        byte[] cmyk = new byte[width * height * 4];
        int[] row = new int[width * 4];
        for (int y = 0; y < height; y++) {
            raster.getPixels(raster.getMinX(), raster.getMinY() + y, width, 1, row);
            for (int i = 0; i < row.length; i++) {
                cmyk[y * row.length + i] = (byte) row[i];
            }
        }
        return fromCmyk(cmyk, width, height, inverted);
    }

    /**
     * Pillow's cmyk2rgb of interleaved 8-bit CMYK samples; {@code inverted}: stored the Adobe way
     * (255 - value), which Pillow assumes for every CMYK JPEG (it reads them as "CMYK;I").
     */
    static RgbImage fromCmyk(byte[] cmyk, int width, int height, boolean inverted) {
        byte[] pixels = new byte[width * height * 3];
        int flip = inverted ? 255 : 0;
        for (int i = 0, at = 0; at < pixels.length; i += 4, at += 3) {
            int notBlack = 255 - ((cmyk[i + 3] & 0xff) ^ flip);
            for (int c = 0; c < 3; c++) {
                pixels[at + c] = (byte) Math.max(0, notBlack - mulDiv255((cmyk[i + c] & 0xff) ^ flip, notBlack));
            }
        }
        return new RgbImage(width, height, pixels);
    }

    /** a * b / 255, rounded as Pillow's MULDIV255 macro. */
    private static int mulDiv255(int a, int b) {
        int t = a * b + 128;
        return ((t >> 8) + t) >> 8;
    }
}
