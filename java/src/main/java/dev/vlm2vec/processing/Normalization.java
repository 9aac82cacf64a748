package dev.vlm2vec.processing;

import org.jspecify.annotations.NullMarked;

/** Per-channel mean and standard deviation applied after scaling 8-bit values to [0, 1]. */
@NullMarked
public record Normalization(float[] mean, float[] std) {

    /** CLIP's, used by both backbones. */
    public static final Normalization CLIP = new Normalization(
            new float[] {0.48145466f, 0.4578275f, 0.40821073f}, new float[] {0.26862954f, 0.26130258f, 0.27577711f});

    public Normalization {
        if (mean.length != 3 || std.length != 3) {
            throw new IllegalArgumentException("image_mean and image_std need three values (RGB)");
        }
    }

    /** {@code [3, h, w]} floats of {@code (v / 255 - mean) / std}, in float arithmetic like torchvision. */
    public float[] apply(RgbImage image) {
        int w = image.width(), h = image.height();
        float[] out = new float[3 * h * w];
        byte[] pixels = image.pixels();
        // 8-bit input has 256 values per channel: a table computed with the same float
        // operations gives the same results as computing every pixel.
        float[][] table = new float[3][256];
        for (int c = 0; c < 3; c++) {
            for (int v = 0; v < 256; v++) {
                table[c][v] = (v / 255.0f - mean[c]) / std[c];
            }
        }
        for (int c = 0; c < 3; c++) {
            float[] lookup = table[c];
            int plane = c * h * w;
            for (int i = 0; i < h * w; i++) {
                out[plane + i] = lookup[pixels[3 * i + c] & 0xff];
            }
        }
        return out;
    }
}
