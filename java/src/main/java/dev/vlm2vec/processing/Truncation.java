package dev.vlm2vec.processing;

import java.util.Arrays;
import org.jspecify.annotations.NullMarked;

/** Cutting token ids to a maximum length, never through image tokens. */
@NullMarked
final class Truncation {

    private Truncation() {}

    /**
     * The first {@code maxLength} ids; an error naming the input when an image token would be
     * cut off (a truncated image would no longer match its features).
     *
     * @param isImageToken tells the image placeholder ids
     */
    static long[] truncate(long[] ids, int maxLength, java.util.function.LongPredicate isImageToken, String what) {
        if (maxLength <= 0 || ids.length <= maxLength) {
            return ids;
        }
        for (int i = maxLength; i < ids.length; i++) {
            if (isImageToken.test(ids[i])) {
                throw new IllegalArgumentException(what + " has " + ids.length + " tokens, more than max_length "
                        + maxLength + ", and cutting it would cut through image tokens: raise max_length or shorten it");
            }
        }
        return Arrays.copyOf(ids, maxLength);
    }

    /** How an input is named in errors: the start of its text and its image count. */
    static String describe(dev.vlm2vec.Input input) {
        String text = input.text().length() > 40 ? input.text().substring(0, 40) + "..." : input.text();
        return "input \"" + text + "\" (" + input.images().size() + " image(s))";
    }
}
