package dev.vlm2vec.processing;

import dev.vlm2vec.Input;
import dev.vlm2vec.ffi.ModelBatch.PaddingSide;
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

    /** Which end of a row padding goes (the backbone's tokenizer's side). */
    default PaddingSide paddingSide() {
        return PaddingSide.RIGHT;
    }

    /** Whether batches pass arange M-RoPE positions instead of the backbone's own (GME). */
    default boolean arangePositions() {
        return false;
    }

    /** MMEB's text, written with Phi-3.5-V's {@code <|image_1|>}, in this backbone's layout. */
    default String fromMmebTags(String text) {
        return text.replace("<|image_1|>", imageTag(1));
    }

    /** A prompt that names no image with this backbone's tag put in front (VLM2Vec: image first). */
    default String withLeadingImageTag(String prompt) {
        return imageTag(1) + "\n" + prompt;
    }

    @Override
    void close();
}
