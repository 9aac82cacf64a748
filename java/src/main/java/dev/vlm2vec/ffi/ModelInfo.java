package dev.vlm2vec.ffi;

import org.jspecify.annotations.NullMarked;

/**
 * What a loaded model is.
 *
 * @param architecture config.json's model_type, e.g. {@code phi3_v}
 * @param device e.g. {@code cpu}, {@code cuda:0}
 * @param dtype weights and activations
 * @param hiddenSize the embedding size
 * @param numLayers language model layers
 * @param imageSize side of one image crop in pixels
 * @param maxCrops crops per image, global view included
 * @param parameterCount parameters loaded
 */
@NullMarked
public record ModelInfo(String architecture, String device, ModelDType dtype, long hiddenSize, long numLayers,
        long imageSize, long maxCrops, long parameterCount) {}
