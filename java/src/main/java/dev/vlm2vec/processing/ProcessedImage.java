package dev.vlm2vec.processing;

import org.jspecify.annotations.NullMarked;

/**
 * One image as a backbone takes it.
 *
 * @param pixelValues {@code [views, 3, size, size]} normalised floats, views in the model's order
 * @param views the number of views in {@code pixelValues} (padding included)
 * @param size the side of each view in pixels
 * @param imageSize the {@code (height, width)} the model needs with the image (Phi-3.5-V: the
 *     padded HD size; LLaVA-NeXT: the original size)
 * @param tokens how many image tokens the prompt must hold for it
 */
@NullMarked
public record ProcessedImage(float[] pixelValues, int views, int size, long[] imageSize, int tokens) {}
