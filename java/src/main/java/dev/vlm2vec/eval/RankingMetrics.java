package dev.vlm2vec.eval;

import org.jspecify.annotations.NullMarked;

/**
 * Where the positive candidate (always index 0, MMEB's convention) ranks among a query's
 * candidates, and the metrics that follow. A candidate scoring exactly the positive's score
 * ranks ahead of it only if its index is lower, which for index 0 never happens: ties go to
 * the lowest index, as MMEB's argmax does.
 */
@NullMarked
public final class RankingMetrics {

    private RankingMetrics() {}

    /** 0-based rank of candidate 0: the number of candidates scoring strictly higher. */
    public static int rankOfPositive(float[] scores) {
        int rank = 0;
        for (int i = 1; i < scores.length; i++) {
            if (scores[i] > scores[0]) {
                rank++;
            }
        }
        return rank;
    }

    /** 1 when the positive ranks within the first k. */
    public static double hitAt(int rank, int k) {
        return rank < k ? 1.0 : 0.0;
    }

    public static double reciprocalRank(int rank) {
        return 1.0 / (rank + 1);
    }

    /** NDCG@k with one relevant item: 1 / log2(rank + 2) inside the first k, else 0. */
    public static double ndcgAt(int rank, int k) {
        return rank < k ? 1.0 / (Math.log(rank + 2) / Math.log(2)) : 0.0;
    }
}
