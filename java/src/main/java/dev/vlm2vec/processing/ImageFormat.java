package dev.vlm2vec.processing;

import java.util.Arrays;
import org.jspecify.annotations.NullMarked;

/** The container format of encoded image bytes, from their signature: the formats whose structure vlm2vec reads itself. */
@NullMarked
enum ImageFormat {
    JPEG, PNG, WEBP, OTHER;

    private static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};

    static ImageFormat of(byte[] file) {
        if (file.length >= 4 && (file[0] & 0xff) == 0xFF && (file[1] & 0xff) == 0xD8) {
            return JPEG;
        }
        if (file.length > 8 && Arrays.equals(file, 0, 8, PNG_SIGNATURE, 0, 8)) {
            return PNG;
        }
        if (file.length >= 12 && file[0] == 'R' && file[1] == 'I' && file[2] == 'F' && file[3] == 'F' && file[8] == 'W'
                && file[9] == 'E' && file[10] == 'B' && file[11] == 'P') {
            return WEBP;
        }
        return OTHER;
    }
}
