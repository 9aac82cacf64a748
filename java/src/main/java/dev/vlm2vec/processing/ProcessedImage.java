package dev.vlm2vec.processing;

import org.jspecify.annotations.NullMarked;

/**
 * One image as a backbone takes it.
 *
 * @param pixelValues normalised floats in the backbone's layout, {@code shape} row-major
 * @param shape {@code [views, 3, size, size]} for view backbones (Phi-3.5-V crops, LLaVA-NeXT
 *     tiles, views in the model's order, padding included), {@code [patches, 1176]} for Qwen2-VL
 * @param imageSize the {@code (height, width)} the model needs with the image (Phi-3.5-V: the
 *     padded HD size; LLaVA-NeXT: the original size; Qwen2-VL: the resized size)
 * @param gridThw Qwen2-VL's patch grid (frames, rows, columns); zeros for view backbones
 * @param tokens how many image tokens the prompt must hold for it
 */
@NullMarked
public record ProcessedImage(float[] pixelValues, long[] shape, long[] imageSize, long[] gridThw, int tokens) {

    public ProcessedImage {
        long values = 1;
        for (long side : shape) {
            values *= side;
        }
        if ((shape.length != 4 && shape.length != 2) || values != pixelValues.length || imageSize.length != 2
                || gridThw.length != 3) {
            throw new IllegalArgumentException("a processed image is [views, 3, size, size] or [patches, values] with "
                    + pixelValues.length + " values, a (height, width) and a grid_thw");
        }
    }

    /** Views of one size: crops or tiles. */
    public static ProcessedImage ofViews(float[] pixelValues, int views, int size, long[] imageSize, int tokens) {
        return new ProcessedImage(pixelValues, new long[] {views, 3, size, size}, imageSize, new long[3], tokens);
    }

    /** Qwen2-VL's flattened patches of grid (frames, rows, columns), merged 2 x 2 into tokens. */
    public static ProcessedImage ofPatches(float[] pixelValues, long[] gridThw, long[] resizedSize, int tokens) {
        long patches = gridThw[0] * gridThw[1] * gridThw[2];
        return new ProcessedImage(pixelValues, new long[] {patches, pixelValues.length / Math.max(1, patches)}, resizedSize,
                gridThw.clone(), tokens);
    }

    /** View count ({@code shape[0]}) of a view image. */
    public int views() {
        return (int) shape[0];
    }

    /** View side ({@code shape[2]}) of a view image; 0 for patches. */
    public int size() {
        return shape.length == 4 ? (int) shape[2] : 0;
    }
}
