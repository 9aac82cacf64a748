package dev.vlm2vec.processing;

import dev.vlm2vec.Input;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.NullMarked;

/**
 * LLaVA-NeXT prompts as its processor builds them: the whole text tokenised once (BOS
 * first; {@code <image>} is a special token), then each {@code <image>} id repeated to its
 * image's token count.
 */
@NullMarked
public final class LlavaNextInputEncoder implements InputEncoder {

    private final Tokenizer tokenizer;
    private final LlavaNextImageProcessor images;
    private final long imageTokenId;
    private final int maxLength;

    public LlavaNextInputEncoder(Tokenizer tokenizer, LlavaNextImageProcessor images, long imageTokenId, int maxLength) {
        this.tokenizer = tokenizer;
        this.images = images;
        this.imageTokenId = imageTokenId;
        this.maxLength = maxLength;
    }

    @Override
    public String imageTag(int k) {
        return "<image>";
    }

    @Override
    public long padId() {
        return tokenizer.padId();
    }

    @Override
    public EncodedInput encode(Input input) {
        long[] tokens = tokenizer.encode(prompt(input));
        List<ProcessedImage> processed = new ArrayList<>();
        for (var image : input.images()) {
            processed.add(images.process(image));
        }
        long[] array = ImageTokenExpansion.expand(tokens, imageTokenId, "<image>", processed);
        return new EncodedInput(Truncation.truncate(array, maxLength, id -> id == imageTokenId,
                Truncation.describe(input)), processed);
    }

    @Override
    public void close() {
        tokenizer.close();
    }
}
