package dev.vlm2vec;

import java.util.Arrays;
import org.jspecify.annotations.NullMarked;

/** Operations on finished embeddings, shared by the server and the framework adapters. */
@NullMarked
public final class Embeddings {

    private Embeddings() {}

    /**
     * The first {@code dimensions} values, normalised again to unit length (as OpenAI's shortened
     * embeddings are). VLM2Vec checkpoints were not trained for this (no Matryoshka loss), so a
     * short prefix costs retrieval accuracy; it is offered because clients ask for it.
     *
     * @throws IllegalArgumentException when {@code dimensions} is not in 1..vector.length
     */
    public static float[] truncate(float[] vector, int dimensions) {
        if (dimensions < 1 || dimensions > vector.length) {
            throw new IllegalArgumentException("dimensions must be between 1 and the embedding's " + vector.length
                    + "; got " + dimensions);
        }
        float[] prefix = Arrays.copyOf(vector, dimensions);
        double norm = 0;
        for (float value : prefix) {
            norm += (double) value * value;
        }
        if (norm > 0) {
            float scale = (float) (1 / Math.sqrt(norm));
            for (int i = 0; i < prefix.length; i++) {
                prefix[i] *= scale;
            }
        }
        return prefix;
    }
}
