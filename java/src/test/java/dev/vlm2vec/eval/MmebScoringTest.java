package dev.vlm2vec.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The registry, the per-query metrics with MMEB's tie rule, and the paper's aggregation. */
class MmebScoringTest {

    private final MmebRegistry registry = MmebRegistry.load();

    @Test
    void registryHoldsTheThirtySixDatasets() {
        List<MmebDataset> datasets = registry.datasets();
        assertEquals(36, datasets.size());
        assertEquals(20, datasets.stream().filter(MmebDataset::inDistribution).count());
        assertEquals(Map.of(MetaTask.CLASSIFICATION, 10L, MetaTask.VQA, 10L, MetaTask.RETRIEVAL, 12L, MetaTask.GROUNDING, 4L),
                datasets.stream().collect(java.util.stream.Collectors.groupingBy(MmebDataset::metaTask,
                        java.util.stream.Collectors.counting())));
        MmebDataset coco = registry.dataset("MSCOCO");
        assertEquals(MetaTask.GROUNDING, coco.metaTask());
        assertEquals("Represent the given cropped image of the object", coco.targetInstruction());
        assertEquals(null, registry.dataset("ImageNet-1K").targetInstruction());
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class, () -> registry.dataset("ImageNet"));
        assertTrue(unknown.getMessage().startsWith("unknown MMEB dataset 'ImageNet'; known: ImageNet-1K, N24News"),
                unknown.getMessage());
        assertEquals(6, registry.referenceResults().size());
    }

    @Test
    void tiesGoToTheLowestIndexSoATieWithThePositiveCountsAsCorrect() {
        assertEquals(0, RankingMetrics.rankOfPositive(new float[] {0.5f, 0.5f, 0.1f}));
        assertEquals(1, RankingMetrics.rankOfPositive(new float[] {0.5f, 0.6f, 0.5f}));
        assertEquals(2, RankingMetrics.rankOfPositive(new float[] {0.1f, 0.6f, 0.7f, 0.1f}));
        assertEquals(1.0, RankingMetrics.ndcgAt(0, 5));
        assertEquals(0.5, RankingMetrics.ndcgAt(2, 5), 1e-12);
        assertEquals(0.0, RankingMetrics.ndcgAt(5, 5));
        assertEquals(0.25, RankingMetrics.reciprocalRank(3));
    }

    @Test
    void datasetScoreFromRanks() {
        DatasetScore score = DatasetScore.fromRanks(registry.dataset("VOC2007"), new int[] {0, 0, 1, 4, 9});
        assertEquals(2, score.numCorrect());
        assertEquals(5, score.numPred());
        assertEquals(0.4, score.acc(), 1e-12);
        assertEquals(0.8, score.hitAt5(), 1e-12);
        assertEquals((1 + 1 + 0.5 + 0.2 + 0.1) / 5, score.mrr(), 1e-12);
    }

    @Test
    void aggregationReproducesThePaper() {
        // VLM2Vec Phi-3.5-V LoRA: 54.8 / 54.9 / 62.3 / 79.5 per meta-task -> 60.1 overall.
        Map<MetaTask, Double> perTask = Map.of(MetaTask.CLASSIFICATION, 0.548, MetaTask.VQA, 0.549, MetaTask.RETRIEVAL,
                0.623, MetaTask.GROUNDING, 0.795);
        List<DatasetScore> scores = new ArrayList<>();
        for (MmebDataset dataset : registry.datasets()) {
            double acc = perTask.get(dataset.metaTask());
            scores.add(new DatasetScore(dataset, acc, (int) Math.round(acc * 1000), 1000, 0, 0, 0));
        }
        MmebSummary summary = MmebSummary.of(scores);
        assertEquals(0.601, summary.overall().orElseThrow(), 5e-4);
        assertEquals(0.548, summary.metaTasks().get(MetaTask.CLASSIFICATION).orElseThrow(), 1e-12);
        assertEquals(0.795, summary.metaTasks().get(MetaTask.GROUNDING).orElseThrow(), 1e-12);
        // IND and OOD are means over their own datasets (20 and 16), so they differ from the overall.
        assertTrue(summary.ind().isPresent() && summary.ood().isPresent());
        MmebSummary partial = MmebSummary.of(scores.subList(0, 3));
        assertTrue(partial.metaTasks().get(MetaTask.VQA).isEmpty());
    }

    /** The paper's rows stand only beside aggregates over exactly its datasets. */
    @Test
    void referenceRowsOnlyBesideThePapersOwnDatasets() {
        List<DatasetScore> all = new ArrayList<>();
        for (MmebDataset dataset : registry.datasets()) {
            all.add(new DatasetScore(dataset, 0.5, 500, 1000, 0, 0, 0));
        }
        PaperComparison full = PaperComparison.of(List.of(MmebSummary.of(all)), registry);
        assertTrue(full.overall() && full.ind() && full.ood() && !full.metaTasks().containsValue(false), full.toString());
        assertTrue(full.reasons().isEmpty());
        RunInfo info = new RunInfo("/m/model", "", null, "fp32", "cpu", "/d", "0", "2026-01-01T00:00:00Z", 1, Map.of());
        String md = SummaryWriter.markdown(new EvalRun("model", MmebSummary.of(all), info), registry);
        assertTrue(md.contains("| VLM2Vec Phi-3.5-V LoRA | 54.8 | 54.9 | 62.3 | 79.5 | 66.5 | 52.0 | 60.1 |"), md);
        assertTrue(md.contains("| datasets | 10 | 10 | 12 | 4 | 20 | 16 | 36 |"), md);

        // One classification dataset short: that column, IND (or OOD) and overall lose their reference values.
        List<DatasetScore> short1 = all.stream().filter(s -> !s.dataset().name().equals("VOC2007")).toList();
        PaperComparison partial = PaperComparison.of(List.of(MmebSummary.of(short1)), registry);
        assertTrue(!partial.overall() && !partial.ind() && partial.ood(), partial.toString());
        assertTrue(!partial.metaTasks().get(MetaTask.CLASSIFICATION) && partial.metaTasks().get(MetaTask.VQA));
        assertTrue(partial.reasons().contains("Classification: the paper's column is left out, only 9 of its 10 datasets"
                + " were evaluated"), partial.reasons().toString());
        String partialMd = SummaryWriter.markdown(new EvalRun("model", MmebSummary.of(short1), info), registry);
        assertTrue(partialMd.contains("| VLM2Vec Phi-3.5-V LoRA | - | 54.9 | 62.3 | 79.5 | - | 52.0 | - |"), partialMd);

        // A synthetic or user dataset among them: nothing compares.
        List<DatasetScore> mixed = new ArrayList<>(all);
        mixed.add(new DatasetScore(registry.dataset("MINI-ShapeClass"), 0.9, 9, 10, 0, 0, 0));
        PaperComparison none = PaperComparison.of(List.of(MmebSummary.of(mixed)), registry);
        assertTrue(!none.any() && none.reasons().get(0).contains("MINI-ShapeClass is not an MMEB dataset"), none.toString());
        MmebSummary own = MmebSummary.of(List.of(new DatasetScore(MmebDataset.custom("Mine", null), 0.5, 1, 2, 0, 0, 0)));
        assertTrue(own.ind().isEmpty() && own.ood().isEmpty() && own.overall().isPresent());
    }

    @Test
    void scorerRanksEachQuerysOwnCandidates() {
        int dim = 37, numCandidates = 50, numQueries = 20;
        Random random = new Random(3);
        float[] candidates = new float[numCandidates * dim], queries = new float[numQueries * dim];
        for (int i = 0; i < candidates.length; i++) {
            candidates[i] = (float) random.nextGaussian();
        }
        int[][] lists = new int[numQueries][];
        for (int q = 0; q < numQueries; q++) {
            lists[q] = random.ints(10, 0, numCandidates).toArray();
            // The query is a noisy copy of its positive for half of the queries.
            for (int d = 0; d < dim; d++) {
                queries[q * dim + d] = (q % 2 == 0 ? candidates[lists[q][0] * dim + d] : 0) + (float) random.nextGaussian() * 0.3f;
            }
        }
        int[] ranks = CandidateScorer.ranksOfPositives(queries, candidates, dim, lists);
        for (int q = 0; q < numQueries; q++) {
            double positive = 0;
            int higher = 0;
            for (int d = 0; d < dim; d++) {
                positive += (double) queries[q * dim + d] * candidates[lists[q][0] * dim + d];
            }
            for (int i = 1; i < lists[q].length; i++) {
                double s = 0;
                for (int d = 0; d < dim; d++) {
                    s += (double) queries[q * dim + d] * candidates[lists[q][i] * dim + d];
                }
                higher += s > positive ? 1 : 0;
            }
            assertEquals(higher, ranks[q], "query " + q);
            if (q % 2 == 0) {
                assertEquals(0, ranks[q]);
            }
        }
        assertThrows(IllegalArgumentException.class,
                () -> CandidateScorer.ranksOfPositives(new float[dim], candidates, dim, new int[][] {{99}}));
        assertArrayEquals(new int[] {0}, CandidateScorer.ranksOfPositives(new float[dim], candidates, dim, new int[][] {{4}}));
    }

    @Test
    void duplicatesOfThePositiveTieInEveryBlockPosition() {
        // Lists longer than the four-candidate block put copies of the positive at every lane
        // and in the remainder: a copy never outranks the positive (ties go to index 0).
        int dim = 13;
        Random random = new Random(5);
        float[] candidates = new float[6 * dim], query = new float[dim];
        for (int i = 0; i < candidates.length; i++) {
            candidates[i] = (float) random.nextGaussian();
        }
        for (int d = 0; d < dim; d++) {
            query[d] = (float) random.nextGaussian();
        }
        for (int positive = 0; positive < 6; positive++) {
            int[] list = {positive, positive, positive, positive, positive, positive, positive};
            assertArrayEquals(new int[] {0}, CandidateScorer.ranksOfPositives(query, candidates, dim, new int[][] {list}));
        }
    }

    @Test
    void globalRanksCountHigherScoresAndEqualScoresAtLowerIndices() {
        int dim = 21, numCandidates = 30, numQueries = 9;
        Random random = new Random(8);
        float[] candidates = new float[numCandidates * dim], queries = new float[numQueries * dim];
        for (int i = 0; i < candidates.length; i++) {
            candidates[i] = (float) random.nextGaussian();
        }
        System.arraycopy(candidates, 7 * dim, candidates, 3 * dim, dim);  // candidate 3 == candidate 7
        for (int i = 0; i < queries.length; i++) {
            queries[i] = (float) random.nextGaussian();
        }
        int[] positives = {7, 3, 0, 29, 12, 7, 5, 18, 1};
        int[] ranks = CandidateScorer.globalRanksOfPositives(queries, candidates, dim, positives);
        for (int q = 0; q < numQueries; q++) {
            double[] scores = new double[numCandidates];
            for (int c = 0; c < numCandidates; c++) {
                for (int d = 0; d < dim; d++) {
                    scores[c] += (double) queries[q * dim + d] * candidates[c * dim + d];
                }
            }
            int expected = 0;
            for (int c = 0; c < numCandidates; c++) {
                if (scores[c] > scores[positives[q]] || (scores[c] == scores[positives[q]] && c < positives[q])) {
                    expected++;
                }
            }
            assertEquals(expected, ranks[q], "query " + q);
        }
        // Candidate 7's twin at index 3 ties and has the lower index: it always ranks ahead of 7.
        assertTrue(ranks[0] >= 1);
        assertThrows(IllegalArgumentException.class,
                () -> CandidateScorer.globalRanksOfPositives(new float[dim], candidates, dim, new int[] {30}));
    }
}
