package dev.vlm2vec.data;

import org.jspecify.annotations.NullMarked;
import org.jspecify.annotations.Nullable;

/**
 * One MMEB-train pair (columns {@code qry, qry_image_path, pos_text, pos_image_path, neg_text,
 * neg_image_path}; empty strings mean "none").
 */
@NullMarked
public record TrainRow(String query, @Nullable String queryImage, String positiveText, @Nullable String positiveImage,
        String negativeText, @Nullable String negativeImage) {}
