package dev.vlm2vec.processing;

import dev.vlm2vec.Input;
import dev.vlm2vec.ffi.ModelBatch.PaddingSide;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.NullMarked;

/**
 * Qwen2-VL prompts as VLM2Vec-V2 (and V1) or GME build them (shared/docs/MODELS-qwen2vl.md
 * sections 8 and 9): the prompt tokenised once (no BOS: the Qwen2 tokenizer adds none), each
 * {@code <|image_pad|>} repeated to its image's merged token count, rows padded on the left with
 * {@code <|endoftext|>} as the Qwen2-VL tokenizer pads. VLM2Vec prompts carry no
 * {@code <|vision_start|>}, so the backbone gives them 1-D positions; GME's are arange over the
 * padded row, which the batch passes explicitly.
 */
@NullMarked
public final class Qwen2VlInputEncoder implements InputEncoder {

    public static final String IMAGE_PAD = "<|image_pad|>";
    static final String GME_DEFAULT_INSTRUCTION = "You are a helpful assistant.";

    private final Tokenizer tokenizer;
    private final Qwen2VlImageProcessor images;
    private final Qwen2VlRecipe recipe;
    private final long imagePadId;
    private final int maxLength;

    public Qwen2VlInputEncoder(Tokenizer tokenizer, Qwen2VlImageProcessor images, Qwen2VlRecipe recipe, int maxLength) {
        if (recipe == Qwen2VlRecipe.AUTO) {
            throw new IllegalArgumentException("resolve the Qwen2-VL recipe for the checkpoint first");
        }
        this.tokenizer = tokenizer;
        this.images = images;
        this.recipe = recipe;
        this.imagePadId = tokenizer.id(IMAGE_PAD);
        this.maxLength = maxLength;
    }

    public Qwen2VlRecipe recipe() {
        return recipe;
    }

    @Override
    public String imageTag(int k) {
        return recipe == Qwen2VlRecipe.GME ? "<|vision_start|>" + IMAGE_PAD + "<|vision_end|>" : IMAGE_PAD;
    }

    @Override
    public long padId() {
        return tokenizer.padId();
    }

    @Override
    public PaddingSide paddingSide() {
        return PaddingSide.LEFT;
    }

    @Override
    public boolean arangePositions() {
        return recipe == Qwen2VlRecipe.GME;
    }

    /**
     * VLM2Vec: {@code <|image_pad|> } per image, then {@code instruction text\n} (or the text alone).
     * GME: {@code <|im_start|>system\n{instruction}<|im_end|>\n<|im_start|>user\n{images}{text}<|im_end|>\n
     * <|im_start|>assistant\n<|endoftext|>}, the instruction defaulting to GME's.
     */
    @Override
    public String prompt(Input input) {
        if (input.tagged()) {
            return input.text();
        }
        StringBuilder prompt = new StringBuilder();
        boolean instructed = input.instruction() != null && !input.instruction().isBlank();
        if (recipe == Qwen2VlRecipe.GME) {
            prompt.append("<|im_start|>system\n").append(instructed ? input.instruction() : GME_DEFAULT_INSTRUCTION)
                    .append("<|im_end|>\n<|im_start|>user\n");
            prompt.append(imageTag(1).repeat(input.images().size()));
            return prompt.append(input.text()).append("<|im_end|>\n<|im_start|>assistant\n<|endoftext|>").toString();
        }
        for (int k = 1; k <= input.images().size(); k++) {
            prompt.append(IMAGE_PAD).append(' ');
        }
        if (instructed) {
            prompt.append(input.instruction()).append(' ').append(input.text()).append('\n');
        } else {
            prompt.append(input.text());
        }
        return prompt.toString();
    }

    /**
     * MMEB's {@code <|image_1|>\n} opening becomes VLM2Vec-V2's {@code <|image_pad|> }; GME takes
     * the text without it and puts its vision markers in its own template (its encode_input drops
     * the image token from MMEB texts).
     */
    @Override
    public String fromMmebTags(String text) {
        if (recipe == Qwen2VlRecipe.GME) {
            String stripped = text.replace("<|image_1|>\n", "").replace("<|image_1|>", "").strip();
            return text.contains("<|image_1|>") ? gmeTemplate(stripped, true) : gmeTemplate(stripped, false);
        }
        return text.replace("<|image_1|>\n", IMAGE_PAD + " ").replace("<|image_1|>", IMAGE_PAD);
    }

    @Override
    public String withLeadingImageTag(String prompt) {
        if (recipe == Qwen2VlRecipe.GME) {
            return prompt.replace("<|im_start|>user\n", "<|im_start|>user\n" + imageTag(1));
        }
        return IMAGE_PAD + " " + prompt;
    }

    private String gmeTemplate(String text, boolean image) {
        return "<|im_start|>system\n" + GME_DEFAULT_INSTRUCTION + "<|im_end|>\n<|im_start|>user\n" + (image ? imageTag(1) : "")
                + text + "<|im_end|>\n<|im_start|>assistant\n<|endoftext|>";
    }

    @Override
    public EncodedInput encode(Input input) {
        long[] tokens = tokenizer.encode(prompt(input));
        List<ProcessedImage> processed = new ArrayList<>();
        for (var image : input.images()) {
            processed.add(images.process(image).processed());
        }
        long[] array = ImageTokenExpansion.expand(tokens, imagePadId, IMAGE_PAD, processed);
        return new EncodedInput(Truncation.truncate(array, maxLength, id -> id == imagePadId, Truncation.describe(input)),
                processed);
    }

    @Override
    public void close() {
        tokenizer.close();
    }
}
