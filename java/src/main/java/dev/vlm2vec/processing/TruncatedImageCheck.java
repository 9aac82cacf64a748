package dev.vlm2vec.processing;

import java.util.Locale;
import org.jspecify.annotations.NullMarked;
import org.jspecify.annotations.Nullable;

/**
 * Whether an encoded image ends where its own structure says it should. Pillow refuses such
 * files ("image file is truncated"); the Java decoders mostly fail with a message about
 * something else, and some (WebP, a JPEG cut between scans) return partial pixels without a
 * word. Checked on the bytes, before decoding.
 */
@NullMarked
final class TruncatedImageCheck {

    private TruncatedImageCheck() {}

    /** What is missing, in words; null when the file is whole (or of a format not checked here). */
    static @Nullable String missingPart(byte[] file) {
        return switch (ImageFormat.of(file)) {
            case PNG -> PngChunks.read(file).damage();
            case JPEG -> jpeg(file);
            case WEBP -> {
                long declared = (file[4] & 0xffL) | (file[5] & 0xffL) << 8 | (file[6] & 0xffL) << 16
                        | (file[7] & 0xffL) << 24;
                yield declared + 8 > file.length ? String.format(Locale.ROOT, "the WebP RIFF header declares %d bytes,"
                        + " the file has %d", declared + 8, file.length) : null;
            }
            case OTHER -> null;
        };
    }

    /**
     * The end-of-image marker must follow the first scan (found by walking the segments, so a
     * thumbnail inside an EXIF segment, a JPEG of its own, is not mistaken for it). FF D9 cannot
     * occur inside entropy-coded data (a data byte FF is always followed by 00, restart markers
     * are D0-D7).
     */
    private static @Nullable String jpeg(byte[] file) {
        int scan = JpegHeader.read(file).scanStart();
        if (scan < 0) {
            return "it has no image data (no start-of-scan marker after its headers)";
        }
        for (int i = scan + 2; i + 1 < file.length; i++) {
            if ((file[i] & 0xff) == 0xFF && (file[i + 1] & 0xff) == 0xD9) {
                return null;
            }
        }
        return "its image data ends without the end-of-image marker";
    }
}
