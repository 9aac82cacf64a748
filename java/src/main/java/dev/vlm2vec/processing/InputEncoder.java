package dev.vlm2vec.processing;

import dev.vlm2vec.Input;
import org.jspecify.annotations.NullMarked;

/** Turns an {@link Input} into what one backbone takes: the prompt layout, tokens, images. */
@NullMarked
public interface InputEncoder extends AutoCloseable {

    /**
     * @throws IllegalArgumentException when the input does not fit (too long for
     *     {@code maxLength} without cutting image tokens, image tags not matching the images)
     */
    EncodedInput encode(Input input);

    /** The id that pads short rows of a batch. */
    long padId();

    /** The backbone's image tag, e.g. {@code <|image_1|>} or {@code <image>}, for the k-th image (1-based). */
    String imageTag(int k);

    /** The prompt text for an input: {@code <image-token>\n{instruction} {text}\n}. */
    default String prompt(Input input) {
        if (input.tagged()) {
            return input.text();
        }
        StringBuilder prompt = new StringBuilder();
        for (int k = 1; k <= input.images().size(); k++) {
            prompt.append(imageTag(k)).append('\n');
        }
        if (input.instruction() != null && !input.instruction().isBlank()) {
            prompt.append(input.instruction()).append(' ').append(input.text()).append('\n');
        } else {
            prompt.append(input.text());
        }
        return prompt.toString();
    }

    @Override
    void close();
}
