package dev.vlm2vec.ffi;

/**
 * What one optimizer step reports.
 *
 * @param step steps completed, this one included
 * @param gradNorm global gradient norm before clipping
 * @param learningRate the rate this step used
 * @param accuracy in-batch: the fraction of queries whose positive scored highest
 * @param communicationSeconds time this step spent in collectives (0 in a single process)
 */
public record TrainStats(long step, double loss, double gradNorm, double learningRate, double accuracy,
        double communicationSeconds) {}
