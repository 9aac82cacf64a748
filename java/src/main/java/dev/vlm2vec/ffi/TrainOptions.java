package dev.vlm2vec.ffi;

import java.util.List;
import org.jspecify.annotations.NullMarked;

/**
 * Settings of a training run ({@link NativeTrainer}); the defaults are the paper's where it
 * states them (MODELS.md section 1): lr 2e-5, 200 warm-up steps, weight decay 0, clipping
 * 1.0, tau 0.02, DoRA r 16 alpha 64 dropout 0.1 on the architecture's default targets.
 *
 * @param targets module name suffixes; empty: the architecture's defaults
 */
@NullMarked
public record TrainOptions(double learningRate, double weightDecay, double maxGradNorm, double temperature,
        int loraRank, double loraAlpha, double loraDropout, boolean dora, boolean full, boolean gradCache,
        long warmupSteps, long totalSteps, long seed, List<String> targets) {

    public TrainOptions {
        if (!(learningRate > 0) || !(temperature > 0) || weightDecay < 0) {
            throw new IllegalArgumentException("need lr > 0, temperature > 0 and weight decay >= 0");
        }
        if (loraRank < 1 || loraDropout < 0 || loraDropout >= 1) {
            throw new IllegalArgumentException("need LoRA rank >= 1 and dropout in [0, 1)");
        }
        if (totalSteps < 1 || warmupSteps < 0) {
            throw new IllegalArgumentException("need steps >= 1 and warm-up >= 0");
        }
        targets = List.copyOf(targets);
    }

    public static TrainOptions paperDefaults(long totalSteps) {
        return new TrainOptions(2e-5, 0.0, 1.0, 0.02, 16, 64.0, 0.1, true, false, true, Math.min(200, totalSteps / 10),
                totalSteps, 42, List.of());
    }
}
