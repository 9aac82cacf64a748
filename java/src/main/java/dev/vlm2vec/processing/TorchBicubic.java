package dev.vlm2vec.processing;

import org.jspecify.annotations.NullMarked;

/**
 * {@code torch.nn.functional.interpolate(mode="bicubic", align_corners=False)} without
 * antialiasing, in float arithmetic as PyTorch's CPU kernel computes it: Keys' cubic with
 * a = -0.75, source index {@code scale * (i + 0.5) - 0.5}, neighbours clamped at the edges,
 * rows interpolated first, then the column.
 */
@NullMarked
public final class TorchBicubic {

    private static final float A = -0.75f;

    private TorchBicubic() {}

    /** input {@code [channels, inHeight, inWidth]} -> {@code [channels, outHeight, outWidth]}. */
    public static float[] resize(float[] input, int channels, int inHeight, int inWidth, int outHeight, int outWidth) {
        if (input.length != channels * inHeight * inWidth) {
            throw new IllegalArgumentException("input holds " + input.length + " values, not " + channels + "x" + inHeight
                    + "x" + inWidth);
        }
        float[] out = new float[channels * outHeight * outWidth];
        float heightScale = (float) inHeight / outHeight;
        float widthScale = (float) inWidth / outWidth;
        float[] wy = new float[4];
        float[] wx = new float[4];
        float[] rows = new float[4];
        for (int oy = 0; oy < outHeight; oy++) {
            float realY = heightScale * (oy + 0.5f) - 0.5f;
            int iy = (int) Math.floor(realY);
            coefficients(realY - iy, wy);
            for (int ox = 0; ox < outWidth; ox++) {
                float realX = widthScale * (ox + 0.5f) - 0.5f;
                int ix = (int) Math.floor(realX);
                coefficients(realX - ix, wx);
                for (int c = 0; c < channels; c++) {
                    int plane = c * inHeight * inWidth;
                    for (int r = 0; r < 4; r++) {
                        int y = clamp(iy - 1 + r, inHeight);
                        int rowStart = plane + y * inWidth;
                        rows[r] = input[rowStart + clamp(ix - 1, inWidth)] * wx[0]
                                + input[rowStart + clamp(ix, inWidth)] * wx[1]
                                + input[rowStart + clamp(ix + 1, inWidth)] * wx[2]
                                + input[rowStart + clamp(ix + 2, inWidth)] * wx[3];
                    }
                    out[(c * outHeight + oy) * outWidth + ox] = rows[0] * wy[0] + rows[1] * wy[1] + rows[2] * wy[2]
                            + rows[3] * wy[3];
                }
            }
        }
        return out;
    }

    private static int clamp(int index, int size) {
        return Math.max(0, Math.min(index, size - 1));
    }

    private static void coefficients(float t, float[] w) {
        w[0] = far(t + 1.0f);
        w[1] = near(t);
        float u = 1.0f - t;
        w[2] = near(u);
        w[3] = far(u + 1.0f);
    }

    private static float near(float x) {
        return ((A + 2) * x - (A + 3)) * x * x + 1;
    }

    private static float far(float x) {
        return ((A * x - 5 * A) * x + 8 * A) * x - 4 * A;
    }
}
