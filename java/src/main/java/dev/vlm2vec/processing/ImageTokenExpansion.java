package dev.vlm2vec.processing;

import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.NullMarked;

/**
 * For backbones whose image tag is one special token (LLaVA-NeXT's {@code <image>}, Qwen2-VL's
 * {@code <|image_pad|>}): each occurrence of that id in the tokenised prompt repeated to its
 * image's token count, the images taken in order; a count of tags that differs from the images
 * is an error naming both.
 */
@NullMarked
final class ImageTokenExpansion {

    private ImageTokenExpansion() {}

    static long[] expand(long[] tokens, long imageTokenId, String tag, List<ProcessedImage> images) {
        int tags = 0;
        List<Long> ids = new ArrayList<>();
        for (long id : tokens) {
            if (id != imageTokenId) {
                ids.add(id);
                continue;
            }
            if (tags >= images.size()) {
                throw new IllegalArgumentException("the prompt has more " + tag + " tags than its " + images.size()
                        + " image(s)");
            }
            for (int i = 0; i < images.get(tags).tokens(); i++) {
                ids.add(imageTokenId);
            }
            tags++;
        }
        if (tags != images.size()) {
            throw new IllegalArgumentException("the prompt has " + tags + " " + tag + " tag(s) for " + images.size() + " image(s)");
        }
        return ids.stream().mapToLong(Long::longValue).toArray();
    }
}
