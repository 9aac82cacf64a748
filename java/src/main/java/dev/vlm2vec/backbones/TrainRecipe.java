package dev.vlm2vec.backbones;

import org.jspecify.annotations.NullMarked;

/**
 * The settings a backbone's published VLM2Vec checkpoints were trained with, which
 * {@code train --recipe vlm2vec} takes for every flag not given (shared/docs/MODELS.md section 1,
 * MODELS-qwen2vl.md section 2).
 *
 * @param source where the numbers come from, printed with the run
 */
@NullMarked
public record TrainRecipe(int batchSize, int gcChunk, long steps, double learningRate, long warmup, double temperature,
        int loraRank, double loraAlpha, boolean dora, String source) {

    /** The VLM2Vec paper's set-up: batch 1024 by GradCache chunks of 4, 2K steps, lr 2e-5 with 200 warm-up, tau 0.02, LoRA r 8. */
    public static final TrainRecipe PAPER = new TrainRecipe(1024, 4, 2000, 2e-5, 200, 0.02, 8, 16, false,
            "VLM2Vec paper (batch 1024, GradCache 4, 2K steps, lr 2e-5, 200 warm-up, tau 0.02, LoRA r 8)");
}
