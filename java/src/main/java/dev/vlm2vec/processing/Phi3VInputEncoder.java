package dev.vlm2vec.processing;

import dev.vlm2vec.Input;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.NullMarked;

/**
 * Phi-3.5-V prompts as its processor builds them: the text split at the {@code <|image_k|>}
 * tags, each chunk tokenised on its own (so each chunk, also the one after an image, starts
 * with BOS), and each tag replaced by its image's token count of the id {@code -k}.
 */
@NullMarked
public final class Phi3VInputEncoder implements InputEncoder {

    private static final Pattern IMAGE_TAG = Pattern.compile("<\\|image_(\\d+)\\|>");

    private final Tokenizer tokenizer;
    private final Phi3VImageProcessor images;
    private final int maxLength;

    public Phi3VInputEncoder(Tokenizer tokenizer, Phi3VImageProcessor images, int maxLength) {
        this.tokenizer = tokenizer;
        this.images = images;
        this.maxLength = maxLength;
    }

    @Override
    public String imageTag(int k) {
        return "<|image_" + k + "|>";
    }

    @Override
    public long padId() {
        return tokenizer.padId();
    }

    @Override
    public EncodedInput encode(Input input) {
        String prompt = prompt(input);
        List<ProcessedImage> processed = new ArrayList<>();
        for (var image : input.images()) {
            processed.add(images.process(image));
        }
        List<Long> ids = new ArrayList<>();
        Matcher tag = IMAGE_TAG.matcher(prompt);
        int start = 0;
        List<Integer> order = new ArrayList<>();
        while (tag.find()) {
            append(ids, tokenizer.encode(prompt.substring(start, tag.start())));
            int k = Integer.parseInt(tag.group(1));
            if (k < 1 || k > processed.size()) {
                throw new IllegalArgumentException("the prompt refers to <|image_" + k + "|> but the input has "
                        + processed.size() + " image(s)");
            }
            for (int i = 0; i < processed.get(k - 1).tokens(); i++) {
                ids.add((long) -k);
            }
            order.add(k);
            start = tag.end();
        }
        append(ids, tokenizer.encode(prompt.substring(start)));
        if (order.size() != processed.size()) {
            throw new IllegalArgumentException("the prompt has " + order.size() + " image tag(s) for " + processed.size()
                    + " image(s)");
        }
        // Features are written in placeholder order, so the images go in the order their tags appear.
        List<ProcessedImage> inOrder = order.stream().map(k -> processed.get(k - 1)).toList();
        long[] array = ids.stream().mapToLong(Long::longValue).toArray();
        return new EncodedInput(Truncation.truncate(array, maxLength, id -> id < 0, Truncation.describe(input)), inOrder);
    }

    private static void append(List<Long> ids, long[] more) {
        for (long id : more) {
            ids.add(id);
        }
    }

    @Override
    public void close() {
        tokenizer.close();
    }
}
