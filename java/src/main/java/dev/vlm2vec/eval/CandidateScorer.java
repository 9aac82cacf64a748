package dev.vlm2vec.eval;

import org.jspecify.annotations.NullMarked;

/**
 * Ranks each query's own candidate list by dot product (cosine for normalised embeddings).
 * The inner product keeps four independent sums so the JIT can vectorise it; a blocked
 * matrix-product version with a JMH comparison against libtorch is still to come (issue 6).
 */
@NullMarked
public final class CandidateScorer {

    private CandidateScorer() {}

    /**
     * @param queries {@code [numQueries * dim]} query embeddings
     * @param candidates {@code [numCandidates * dim]} unique candidate embeddings
     * @param candidateLists for each query, indices into {@code candidates}; entry 0 is the positive
     * @return for each query the 0-based rank of its positive (ties to the lowest index)
     */
    public static int[] ranksOfPositives(float[] queries, float[] candidates, int dim, int[][] candidateLists) {
        int numQueries = candidateLists.length;
        if (queries.length != numQueries * dim) {
            throw new IllegalArgumentException("queries hold " + queries.length + " floats, not " + numQueries + " x " + dim);
        }
        if (candidates.length % dim != 0) {
            throw new IllegalArgumentException("candidates hold " + candidates.length + " floats, not a multiple of " + dim);
        }
        int numCandidates = candidates.length / dim;
        int[] ranks = new int[numQueries];
        for (int q = 0; q < numQueries; q++) {
            int[] list = candidateLists[q];
            if (list.length == 0) {
                throw new IllegalArgumentException("query " + q + " has no candidates");
            }
            float[] scores = new float[list.length];
            for (int i = 0; i < list.length; i++) {
                int c = list[i];
                if (c < 0 || c >= numCandidates) {
                    throw new IllegalArgumentException("query " + q + " names candidate " + c + " of " + numCandidates);
                }
                scores[i] = dot(queries, q * dim, candidates, c * dim, dim);
            }
            ranks[q] = RankingMetrics.rankOfPositive(scores);
        }
        return ranks;
    }

    static float dot(float[] a, int aOffset, float[] b, int bOffset, int dim) {
        float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        int i = 0;
        for (; i + 3 < dim; i += 4) {
            s0 += a[aOffset + i] * b[bOffset + i];
            s1 += a[aOffset + i + 1] * b[bOffset + i + 1];
            s2 += a[aOffset + i + 2] * b[bOffset + i + 2];
            s3 += a[aOffset + i + 3] * b[bOffset + i + 3];
        }
        for (; i < dim; i++) {
            s0 += a[aOffset + i] * b[bOffset + i];
        }
        return (s0 + s1) + (s2 + s3);
    }
}
