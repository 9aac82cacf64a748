package dev.vlm2vec;

import dev.vlm2vec.processing.RgbImage;
import java.util.List;
import org.jspecify.annotations.NullMarked;
import org.jspecify.annotations.Nullable;

/**
 * One thing to embed: a task instruction, a text and any number of images (a query or a
 * target in VLM2Vec's terms). Laid out as {@code <image-token>\n{instruction} {text}\n} with
 * the backbone's own image token; without an instruction only the text follows the images
 * (class labels, captions). {@link #raw} takes a text that already holds the image tags.
 *
 * {@snippet :
 * Input query = Input.of("Represent the given image with the following question:", "What is the dog doing?",
 *         ImageLoader.load(Path.of("dog.jpg")));
 * Input label = Input.text("a dog catching a frisbee");
 * }
 */
@NullMarked
public record Input(@Nullable String instruction, String text, List<RgbImage> images, boolean tagged) {

    public Input {
        // Callers outside @NullMarked code may pass nulls: say which argument, not a bare NullPointerException.
        if (text == null) {
            throw new IllegalArgumentException("an input's text is null; pass \"\" for an input without text");
        }
        if (images == null || images.stream().anyMatch(java.util.Objects::isNull)) {
            throw new IllegalArgumentException("an input's images are null or contain null; pass an empty list for none");
        }
        images = List.copyOf(images);
        if (text.isBlank() && images.isEmpty() && (instruction == null || instruction.isBlank())) {
            throw new IllegalArgumentException("an input needs a text, an instruction or an image; this one is empty");
        }
    }

    public static Input text(String text) {
        return new Input(null, text, List.of(), false);
    }

    public static Input of(@Nullable String instruction, String text, RgbImage... images) {
        return new Input(instruction, text, List.of(images), false);
    }

    /**
     * A prompt already in the model's layout, e.g. MMEB's {@code "<|image_1|>\nRepresent the
     * given image ..."}; its image tags ({@code <|image_k|>} or {@code <image>}) stand for
     * {@code images} in order.
     */
    public static Input raw(String prompt, RgbImage... images) {
        return new Input(null, prompt, List.of(images), true);
    }
}
