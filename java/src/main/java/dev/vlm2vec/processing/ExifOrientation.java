package dev.vlm2vec.processing;

import org.jspecify.annotations.NullMarked;

/**
 * The EXIF orientation tag (274) of a JPEG file, and the rotation or mirroring that makes
 * the image upright. Read from the APP1 "Exif" segment's first image directory; any other
 * file, or a missing or malformed tag, is orientation 1 (already upright).
 */
@NullMarked
final class ExifOrientation {

    private ExifOrientation() {}

    static int of(byte[] file) {
        if (file.length < 4 || (file[0] & 0xff) != 0xFF || (file[1] & 0xff) != 0xD8) {
            return 1;
        }
        int at = 2;
        while (at + 4 <= file.length && (file[at] & 0xff) == 0xFF) {
            int marker = file[at + 1] & 0xff;
            int length = ((file[at + 2] & 0xff) << 8) | (file[at + 3] & 0xff);
            if (marker == 0xDA || length < 2) {
                return 1;  // start of scan: no more metadata
            }
            if (marker == 0xE1 && length >= 16 && at + 2 + length <= file.length
                    && new String(file, at + 4, 4, java.nio.charset.StandardCharsets.US_ASCII).equals("Exif")) {
                return fromTiff(file, at + 10, at + 2 + length);
            }
            at += 2 + length;
        }
        return 1;
    }

    private static int fromTiff(byte[] b, int start, int end) {
        boolean little = b[start] == 'I';
        java.util.function.IntUnaryOperator u16 = i -> little ? (b[i] & 0xff) | (b[i + 1] & 0xff) << 8
                : (b[i] & 0xff) << 8 | (b[i + 1] & 0xff);
        java.util.function.IntUnaryOperator u32 = i -> little
                ? (b[i] & 0xff) | (b[i + 1] & 0xff) << 8 | (b[i + 2] & 0xff) << 16 | (b[i + 3] & 0xff) << 24
                : (b[i] & 0xff) << 24 | (b[i + 1] & 0xff) << 16 | (b[i + 2] & 0xff) << 8 | (b[i + 3] & 0xff);
        if (start + 8 > end) {
            return 1;
        }
        int directory = start + u32.applyAsInt(start + 4);
        if (directory < start || directory + 2 > end) {
            return 1;
        }
        int entries = u16.applyAsInt(directory);
        for (int i = 0; i < entries; i++) {
            int entry = directory + 2 + 12 * i;
            if (entry + 12 > end) {
                return 1;
            }
            if (u16.applyAsInt(entry) == 274) {
                int value = u16.applyAsInt(entry + 8);
                return value >= 1 && value <= 8 ? value : 1;
            }
        }
        return 1;
    }

    /** The image turned upright for an EXIF orientation (1 = as stored). */
    static RgbImage upright(RgbImage image, int orientation) {
        return switch (orientation) {
            case 2 -> mirror(image);                      // flip left-right
            case 3 -> rotate180(image);
            case 4 -> rotate180(mirror(image));           // flip top-bottom
            case 5 -> image.transpose();
            case 6 -> mirror(image.transpose());          // rotate 90 degrees clockwise
            case 7 -> rotate180(image.transpose());       // transverse
            case 8 -> mirror(image).transpose();          // rotate 90 degrees counter-clockwise
            default -> image;
        };
    }

    private static RgbImage mirror(RgbImage image) {
        int w = image.width(), h = image.height();
        byte[] in = image.pixels(), out = new byte[in.length];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                System.arraycopy(in, (y * w + x) * 3, out, (y * w + (w - 1 - x)) * 3, 3);
            }
        }
        return new RgbImage(w, h, out);
    }

    private static RgbImage rotate180(RgbImage image) {
        int n = image.width() * image.height();
        byte[] in = image.pixels(), out = new byte[in.length];
        for (int i = 0; i < n; i++) {
            System.arraycopy(in, i * 3, out, (n - 1 - i) * 3, 3);
        }
        return new RgbImage(image.width(), image.height(), out);
    }
}
