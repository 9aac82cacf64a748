package dev.vlm2vec.data;

import dev.vlm2vec.Input;
import dev.vlm2vec.processing.ImageLoader;
import dev.vlm2vec.processing.ImageOptions;
import dev.vlm2vec.processing.ImageRoot;
import dev.vlm2vec.processing.InputEncoder;
import dev.vlm2vec.processing.RgbImage;
import java.nio.file.Path;
import org.jspecify.annotations.NullMarked;
import org.jspecify.annotations.Nullable;

/**
 * An MMEB text + image path as a model input. MMEB texts carry Phi-3.5-V's image tag
 * {@code <|image_1|>}; the encoder rewrites them into its backbone's layout
 * ({@link InputEncoder#fromMmebTags}), and an image whose text has no tag gets one in front
 * (VLM2Vec's layout: image token first).
 */
@NullMarked
public final class MmebInputs {

    private MmebInputs() {}

    public static Input of(String text, @Nullable String image, Path imageRoot, InputEncoder encoder, ImageOptions options) {
        String prompt = encoder.fromMmebTags(text);
        if (image == null) {
            return Input.raw(prompt);
        }
        RgbImage picture = ImageLoader.fromReference(image, ImageRoot.of(imageRoot, options), options);
        if (!prompt.contains(encoder.imageTag(1))) {
            prompt = encoder.withLeadingImageTag(prompt);
        }
        return Input.raw(prompt, picture);
    }
}
