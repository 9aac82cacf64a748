package dev.vlm2vec.eval;

import org.jspecify.annotations.NullMarked;

/**
 * A dataset's result.
 *
 * @param acc Precision@1 (hit@1), in [0, 1]
 * @param numCorrect queries whose positive ranked first
 * @param numPred queries scored
 */
@NullMarked
public record DatasetScore(MmebDataset dataset, double acc, int numCorrect, int numPred, double hitAt5, double mrr,
        double ndcgAt5) {

    /** Scores from the 0-based rank of each query's positive. */
    public static DatasetScore fromRanks(MmebDataset dataset, int[] ranks) {
        if (ranks.length == 0) {
            throw new IllegalArgumentException(dataset.name() + " has no queries to score");
        }
        int correct = 0;
        double hit5 = 0, mrr = 0, ndcg5 = 0;
        for (int rank : ranks) {
            correct += (int) RankingMetrics.hitAt(rank, 1);
            hit5 += RankingMetrics.hitAt(rank, 5);
            mrr += RankingMetrics.reciprocalRank(rank);
            ndcg5 += RankingMetrics.ndcgAt(rank, 5);
        }
        int n = ranks.length;
        return new DatasetScore(dataset, (double) correct / n, correct, n, hit5 / n, mrr / n, ndcg5 / n);
    }
}
