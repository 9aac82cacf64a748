package dev.vlm2vec.processing;

import java.util.List;
import org.jspecify.annotations.NullMarked;

/**
 * An input as the model takes it: token ids with every image placeholder expanded to its
 * image's token count, and the processed images in the order of their placeholders.
 */
@NullMarked
public record EncodedInput(long[] ids, List<ProcessedImage> images) {

    public EncodedInput {
        images = List.copyOf(images);
    }
}
