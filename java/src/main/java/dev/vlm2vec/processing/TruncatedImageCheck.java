package dev.vlm2vec.processing;

import java.util.Arrays;
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

    private static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};

    private TruncatedImageCheck() {}

    /** What is missing, in words; null when the file is whole (or of a format not checked here). */
    static @Nullable String missingPart(byte[] file) {
        if (file.length > 8 && Arrays.equals(file, 0, 8, PNG_SIGNATURE, 0, 8)) {
            return png(file);
        }
        if (JpegHeader.isJpeg(file)) {
            return jpeg(file);
        }
        if (LibWebP.isWebP(file)) {
            long declared = (file[4] & 0xffL) | (file[5] & 0xffL) << 8 | (file[6] & 0xffL) << 16 | (file[7] & 0xffL) << 24;
            return declared + 8 > file.length ? String.format(Locale.ROOT, "the WebP RIFF header declares %d bytes, the"
                    + " file has %d", declared + 8, file.length) : null;
        }
        return null;
    }

    /** Every chunk up to IEND must be complete. */
    private static @Nullable String png(byte[] file) {
        int at = 8;
        while (at + 8 <= file.length) {
            long length = (file[at] & 0xffL) << 24 | (file[at + 1] & 0xff) << 16 | (file[at + 2] & 0xff) << 8
                    | (file[at + 3] & 0xff);
            String type = new String(file, at + 4, 4, java.nio.charset.StandardCharsets.US_ASCII);
            if (at + 12 + length > file.length) {
                return String.format(Locale.ROOT, "its %s chunk at byte %d needs %d bytes, %d remain", type, at,
                        12 + length, file.length - at);
            }
            if (type.equals("IEND")) {
                return null;
            }
            at += 12 + (int) length;
        }
        return "it ends before the IEND chunk";
    }

    /**
     * The end-of-image marker must follow the first scan. FF D9 cannot occur inside entropy-coded
     * data (a data byte FF is always followed by 00, restart markers are D0-D7).
     */
    private static @Nullable String jpeg(byte[] file) {
        int scan = -1;
        for (int i = 2; i + 1 < file.length; i++) {
            if ((file[i] & 0xff) == 0xFF && (file[i + 1] & 0xff) == 0xDA) {
                scan = i;
                break;
            }
        }
        if (scan < 0) {
            return "it has no image data (no start-of-scan marker)";
        }
        for (int i = scan + 2; i + 1 < file.length; i++) {
            if ((file[i] & 0xff) == 0xFF && (file[i + 1] & 0xff) == 0xD9) {
                return null;
            }
        }
        return "its image data ends without the end-of-image marker";
    }
}
