package dev.vlm2vec.processing;

import org.jspecify.annotations.NullMarked;

/**
 * The EXIF orientation tag (274) of a JPEG (APP1 "Exif"), PNG (eXIf chunk) or WebP (EXIF
 * chunk) file, and the rotation or mirroring that makes the image upright. Read from the
 * first image directory; any other file, or a missing or malformed tag, is orientation 1
 * (already upright).
 */
@NullMarked
final class ExifOrientation {

    private ExifOrientation() {}

    static int of(byte[] file) {
        return switch (ImageFormat.of(file)) {
            case JPEG -> JpegHeader.read(file).segments().stream()
                    .filter(segment -> segment.marker() == 0xE1 && JpegHeader.startsWith(file, segment, "Exif")).findFirst()
                    .map(segment -> fromTiff(file, segment.start() + 6, segment.end())).orElse(1);
            case PNG -> PngChunks.read(file).first("eXIf")  // Pillow also finds one after the image data
                    .map(chunk -> fromTiff(file, skipExifPrefix(file, chunk.start()), chunk.start() + chunk.length()))
                    .orElse(1);
            case WEBP -> fromWebP(file);
            case OTHER -> 1;
        };
    }

    private static String ascii(byte[] file, int at, int length) {
        return new String(file, at, length, java.nio.charset.StandardCharsets.US_ASCII);
    }

    private static int fromWebP(byte[] file) {
        for (int at = 12; at + 8 <= file.length; ) {
            long length = (file[at + 4] & 0xffL) | ((file[at + 5] & 0xff) << 8) | ((file[at + 6] & 0xff) << 16)
                    | ((file[at + 7] & 0xffL) << 24);
            if (length > file.length - at - 8) {
                return 1;
            }
            if (ascii(file, at, 4).equals("EXIF")) {
                return fromTiff(file, skipExifPrefix(file, at + 8), at + 8 + (int) length);
            }
            at += 8 + (int) (length + (length & 1));
        }
        return 1;
    }

    /** Some writers (Pillow's WebP among them) keep JPEG's "Exif\0\0" in front of the TIFF data. */
    private static int skipExifPrefix(byte[] file, int at) {
        return at + 6 <= file.length && ascii(file, at, 4).equals("Exif") ? at + 6 : at;
    }

    private static int fromTiff(byte[] b, int start, int end) {
        if (start + 8 > end) {
            return 1;
        }
        boolean little = b[start] == 'I';
        java.util.function.IntUnaryOperator u16 = i -> little ? (b[i] & 0xff) | (b[i + 1] & 0xff) << 8
                : (b[i] & 0xff) << 8 | (b[i + 1] & 0xff);
        java.util.function.IntUnaryOperator u32 = i -> little
                ? (b[i] & 0xff) | (b[i + 1] & 0xff) << 8 | (b[i + 2] & 0xff) << 16 | (b[i + 3] & 0xff) << 24
                : (b[i] & 0xff) << 24 | (b[i + 1] & 0xff) << 16 | (b[i + 2] & 0xff) << 8 | (b[i + 3] & 0xff);
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
