package dev.vlm2vec.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** Both dot-product kernels of the scorer against float64, and their tie consistency. */
class ScorerKernelsTest {

    @FunctionalInterface
    interface Kernel {
        void score(float[] query, int qOffset, float[] candidates, int[] list, int dim, float[] scores);
    }

    @Test
    void vectorApiIsActiveUnderTheBuildsJvmFlags() {
        assertTrue(CandidateScorer.VECTORISED, "surefire passes --add-modules jdk.incubator.vector");
    }

    @Test
    void scalarKernelMatchesFloat64() {
        check((q, o, c, l, d, out) -> CandidateScorer.scoreList(q, o, c, l, d, out, false));
    }

    @Test
    void vectorKernelMatchesFloat64() {
        check((q, o, c, l, d, out) -> CandidateScorer.scoreList(q, o, c, l, d, out, true));
    }

    private static void check(Kernel kernel) {
        Random random = new Random(13);
        for (int dim : new int[] {1, 3, 13, 37, 64, 3072 + 5}) {
            int numCandidates = 11;
            float[] candidates = new float[numCandidates * dim], query = new float[2 * dim];
            for (int i = 0; i < candidates.length; i++) {
                candidates[i] = (float) random.nextGaussian();
            }
            for (int i = 0; i < query.length; i++) {
                query[i] = (float) random.nextGaussian();
            }
            // Candidate 5 repeated at every block lane and in the remainder.
            int[] list = {5, 0, 1, 5, 2, 3, 5, 4, 6, 5, 7, 8, 9, 10, 5};
            float[] scores = new float[list.length];
            kernel.score(query, dim, candidates, list, dim, scores);  // the second query row
            for (int i = 0; i < list.length; i++) {
                double expected = 0, magnitude = 0;
                for (int d = 0; d < dim; d++) {
                    double term = (double) query[dim + d] * candidates[list[i] * dim + d];
                    expected += term;
                    magnitude += Math.abs(term);
                }
                // float32 accumulation: error within a few ulps of the sum of |terms|.
                assertEquals(expected, scores[i], 1e-5 * magnitude + 1e-6, "dim " + dim + " slot " + i);
                if (list[i] == 5) {
                    assertEquals(scores[0], scores[i], 0.0f, "equal vectors must score equally (dim " + dim + ")");
                }
            }
        }
    }
}
