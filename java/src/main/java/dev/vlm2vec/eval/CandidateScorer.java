package dev.vlm2vec.eval;

import java.util.stream.IntStream;
import org.jspecify.annotations.NullMarked;

/**
 * Ranks each query's positive by dot product (cosine for normalised embeddings), either within
 * the query's own candidate list (MMEB's protocol) or against every candidate of the dataset
 * ({@code global}: corpus-wide retrieval).
 *
 * <p>The hot loop is blocked four candidates at a time: each query element is loaded once and
 * used for four dot products. With {@code --add-modules jdk.incubator.vector} (run.sh, the
 * tests and the benchmarks pass it) the products use the Vector API ({@link VectorDotProducts});
 * without it, a scalar version with four partial sums per product (sixteen independent
 * accumulation chains). Queries run in parallel. Within one JVM every score, blocked or not, is
 * formed in the same order, so equal vectors score equally and ties break by index exactly.
 * {@code ScoringBenchmark} compares this against a libtorch matrix product + argmax.
 */
@NullMarked
public final class CandidateScorer {

    private static final int BLOCK = 4;

    /** Whether the Vector API module is in this JVM, which decides the dot-product kernel. */
    public static final boolean VECTORISED = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();

    private CandidateScorer() {}

    /**
     * @param queries {@code [numQueries * dim]} query embeddings
     * @param candidates {@code [numCandidates * dim]} unique candidate embeddings
     * @param candidateLists for each query, indices into {@code candidates}; entry 0 is the positive
     * @return for each query the 0-based rank of its positive (ties to the lowest index)
     */
    public static int[] ranksOfPositives(float[] queries, float[] candidates, int dim, int[][] candidateLists) {
        int numCandidates = checkShapes(queries, candidates, dim, candidateLists.length);
        for (int q = 0; q < candidateLists.length; q++) {
            int[] list = candidateLists[q];
            if (list.length == 0) {
                throw new IllegalArgumentException("query " + q + " has no candidates");
            }
            for (int c : list) {
                if (c < 0 || c >= numCandidates) {
                    throw new IllegalArgumentException("query " + q + " names candidate " + c + " of " + numCandidates);
                }
            }
        }
        int[] ranks = new int[candidateLists.length];
        IntStream.range(0, candidateLists.length).parallel().forEach(q -> {
            int[] list = candidateLists[q];
            float[] scores = new float[list.length];
            scoreList(queries, q * dim, candidates, list, dim, scores);
            ranks[q] = RankingMetrics.rankOfPositive(scores);
        });
        return ranks;
    }

    /**
     * Corpus-wide ranking: each query's positive among all candidates.
     *
     * @param positives for each query, the index of its positive in {@code candidates}
     * @return for each query the 0-based rank of its positive among all candidates: those scoring
     *     higher, plus those scoring the same with a lower index
     */
    public static int[] globalRanksOfPositives(float[] queries, float[] candidates, int dim, int[] positives) {
        int numCandidates = checkShapes(queries, candidates, dim, positives.length);
        for (int q = 0; q < positives.length; q++) {
            if (positives[q] < 0 || positives[q] >= numCandidates) {
                throw new IllegalArgumentException("query " + q + " names candidate " + positives[q] + " of " + numCandidates);
            }
        }
        int[] all = IntStream.range(0, numCandidates).toArray();
        int[] ranks = new int[positives.length];
        IntStream.range(0, positives.length).parallel().forEach(q -> {
            float[] scores = new float[numCandidates];
            scoreList(queries, q * dim, candidates, all, dim, scores);
            int positive = positives[q];
            float target = scores[positive];
            int rank = 0;
            for (int c = 0; c < numCandidates; c++) {
                if (scores[c] > target || (scores[c] == target && c < positive)) {
                    rank++;
                }
            }
            ranks[q] = rank;
        });
        return ranks;
    }

    private static int checkShapes(float[] queries, float[] candidates, int dim, int numQueries) {
        if (dim < 1) {
            throw new IllegalArgumentException("dimension must be positive, got " + dim);
        }
        if (queries.length != (long) numQueries * dim) {
            throw new IllegalArgumentException("queries hold " + queries.length + " floats, not " + numQueries + " x " + dim);
        }
        if (candidates.length % dim != 0) {
            throw new IllegalArgumentException("candidates hold " + candidates.length + " floats, not a multiple of " + dim);
        }
        return candidates.length / dim;
    }

    private static void scoreList(float[] query, int qOffset, float[] candidates, int[] list, int dim, float[] scores) {
        scoreList(query, qOffset, candidates, list, dim, scores, VECTORISED);
    }

    /**
     * scores[i] = query . candidates[list[i]], four candidates per pass over the query, with the
     * Vector API kernel or the scalar one ({@code vector}; the tests run both).
     */
    static void scoreList(float[] query, int qOffset, float[] candidates, int[] list, int dim, float[] scores,
            boolean vector) {
        int i = 0;
        for (; i + BLOCK <= list.length; i += BLOCK) {
            int b0 = list[i] * dim, b1 = list[i + 1] * dim, b2 = list[i + 2] * dim, b3 = list[i + 3] * dim;
            if (vector) {
                VectorDotProducts.dot4(query, qOffset, candidates, b0, b1, b2, b3, dim, scores, i);
            } else {
                dot4(query, qOffset, candidates, b0, b1, b2, b3, dim, scores, i);
            }
        }
        for (; i < list.length; i++) {
            scores[i] = vector ? VectorDotProducts.dot(query, qOffset, candidates, list[i] * dim, dim)
                    : dot(query, qOffset, candidates, list[i] * dim, dim);
        }
    }

    private static void dot4(float[] a, int aOff, float[] b, int b0, int b1, int b2, int b3, int dim, float[] out,
            int outOffset) {
        float s00 = 0, s01 = 0, s02 = 0, s03 = 0;
        float s10 = 0, s11 = 0, s12 = 0, s13 = 0;
        float s20 = 0, s21 = 0, s22 = 0, s23 = 0;
        float s30 = 0, s31 = 0, s32 = 0, s33 = 0;
        int i = 0;
        for (; i + 3 < dim; i += 4) {
            float a0 = a[aOff + i], a1 = a[aOff + i + 1], a2 = a[aOff + i + 2], a3 = a[aOff + i + 3];
            s00 += a0 * b[b0 + i];
            s01 += a1 * b[b0 + i + 1];
            s02 += a2 * b[b0 + i + 2];
            s03 += a3 * b[b0 + i + 3];
            s10 += a0 * b[b1 + i];
            s11 += a1 * b[b1 + i + 1];
            s12 += a2 * b[b1 + i + 2];
            s13 += a3 * b[b1 + i + 3];
            s20 += a0 * b[b2 + i];
            s21 += a1 * b[b2 + i + 1];
            s22 += a2 * b[b2 + i + 2];
            s23 += a3 * b[b2 + i + 3];
            s30 += a0 * b[b3 + i];
            s31 += a1 * b[b3 + i + 1];
            s32 += a2 * b[b3 + i + 2];
            s33 += a3 * b[b3 + i + 3];
        }
        for (; i < dim; i++) {
            float ai = a[aOff + i];
            s00 += ai * b[b0 + i];
            s10 += ai * b[b1 + i];
            s20 += ai * b[b2 + i];
            s30 += ai * b[b3 + i];
        }
        out[outOffset] = (s00 + s01) + (s02 + s03);
        out[outOffset + 1] = (s10 + s11) + (s12 + s13);
        out[outOffset + 2] = (s20 + s21) + (s22 + s23);
        out[outOffset + 3] = (s30 + s31) + (s32 + s33);
    }

    /** One dot product, summed in the same order as each lane of {@link #dot4}. */
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
