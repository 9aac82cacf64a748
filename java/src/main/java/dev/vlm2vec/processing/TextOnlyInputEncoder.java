package dev.vlm2vec.processing;

import dev.vlm2vec.Input;
import org.jspecify.annotations.NullMarked;

/**
 * An input encoder for a model directory without {@code preprocessor_config.json}: texts encode
 * as usual, an input with images is an error naming the missing file. Guessing the pixel
 * settings (mean, std, crops) would silently change image embeddings.
 */
@NullMarked
public final class TextOnlyInputEncoder implements InputEncoder {

    private final InputEncoder delegate;
    private final String reason;

    /** @param reason why images are refused, e.g. "MODEL has no preprocessor_config.json" */
    public TextOnlyInputEncoder(InputEncoder delegate, String reason) {
        this.delegate = delegate;
        this.reason = reason;
    }

    @Override
    public EncodedInput encode(Input input) {
        if (!input.images().isEmpty()) {
            throw new IllegalArgumentException(reason);
        }
        return delegate.encode(input);
    }

    @Override
    public long padId() {
        return delegate.padId();
    }

    @Override
    public String imageTag(int k) {
        return delegate.imageTag(k);
    }

    @Override
    public String prompt(Input input) {
        return delegate.prompt(input);
    }

    @Override
    public dev.vlm2vec.ffi.ModelBatch.PaddingSide paddingSide() {
        return delegate.paddingSide();
    }

    @Override
    public boolean arangePositions() {
        return delegate.arangePositions();
    }

    @Override
    public String fromMmebTags(String text) {
        return delegate.fromMmebTags(text);
    }

    @Override
    public String withLeadingImageTag(String prompt) {
        return delegate.withLeadingImageTag(prompt);
    }

    @Override
    public void close() {
        delegate.close();
    }
}
