package dev.vlm2vec.processing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.jspecify.annotations.NullMarked;

/**
 * How a Qwen2-VL checkpoint was trained to see its inputs (shared/docs/MODELS-qwen2vl.md
 * sections 8 to 10); the weights do not say, so a checkpoint's files decide where they can and
 * an option otherwise.
 */
@NullMarked
public enum Qwen2VlRecipe {
    /** GME where the directory holds GME's {@code gme_inference.py}, else VLM2Vec-V2. */
    AUTO,
    /** VLM2Vec-V2.0: {@code <|image_pad|> instruction text}, no vision markers, 1-D positions. */
    V2,
    /** VLM2Vec V1 on Qwen2-VL (VLM2Vec-Qwen2VL-2B/7B): V2's prompt, every image first resized to 1344 x 1344. */
    V1,
    /**
     * GME: its system/user chat template, {@code <|vision_start|><|image_pad|><|vision_end|>}, the
     * final {@code <|endoftext|>} pooled, arange positions.
     */
    GME;

    public String cliName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Qwen2VlRecipe parse(String text) {
        for (Qwen2VlRecipe recipe : values()) {
            if (recipe.cliName().equals(text.toLowerCase(Locale.ROOT))) {
                return recipe;
            }
        }
        throw new IllegalArgumentException("--qwen2vl-recipe " + text + " is not one of auto, v2, v1, gme");
    }

    /** AUTO resolved for the checkpoint in {@code directory}. */
    public Qwen2VlRecipe resolve(Path directory) {
        if (this != AUTO) {
            return this;
        }
        return Files.isRegularFile(directory.resolve("gme_inference.py")) ? GME : V2;
    }
}
