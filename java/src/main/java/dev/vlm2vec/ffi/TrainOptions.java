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
        require(learningRate > 0 && Double.isFinite(learningRate), "learningRate must be > 0, not " + learningRate);
        require(temperature > 0 && Double.isFinite(temperature), "temperature must be > 0, not " + temperature);
        require(weightDecay >= 0 && Double.isFinite(weightDecay), "weightDecay must be >= 0, not " + weightDecay);
        require(maxGradNorm >= 0, "maxGradNorm must be >= 0 (0: no clipping), not " + maxGradNorm);
        require(loraRank >= 1, "loraRank must be >= 1, not " + loraRank);
        require(loraAlpha > 0, "loraAlpha must be > 0, not " + loraAlpha);
        require(loraDropout >= 0 && loraDropout < 1, "loraDropout must be in [0, 1), not " + loraDropout);
        require(totalSteps >= 1, "totalSteps must be >= 1, not " + totalSteps);
        require(warmupSteps >= 0 && warmupSteps <= totalSteps,
                "warmupSteps must be in [0, totalSteps = " + totalSteps + "], not " + warmupSteps);
        targets = List.copyOf(targets);
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }

    public static TrainOptions paperDefaults(long totalSteps) {
        return new TrainOptions(2e-5, 0.0, 1.0, 0.02, 16, 64.0, 0.1, true, false, true, Math.min(200, totalSteps / 10),
                totalSteps, 42, List.of());
    }
}
