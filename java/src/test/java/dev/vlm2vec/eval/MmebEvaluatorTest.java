package dev.vlm2vec.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vlm2vec.Embedder;
import dev.vlm2vec.EmbedderOptions;
import dev.vlm2vec.Vlm2Vec;
import dev.vlm2vec.data.EvalRow;
import dev.vlm2vec.ffi.TinyModels;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MmebEvaluatorTest {

    @Test
    void queriesAndCandidatesAreEmbeddedOncePerUniqueTextAndImage(@TempDir Path directory) {
        TinyModels.write("phi3_v", directory.resolve("model"), 0, 0);
        // Three rows share the query; five candidate slots hold three distinct texts.
        List<EvalRow> rows = List.of(
                new EvalRow("what is it?", null, List.of("cat", "dog"), Arrays.asList(null, null)),
                new EvalRow("what is it?", null, List.of("dog", "cat"), Arrays.asList(null, null)),
                new EvalRow("what is it?", null, List.of("bird"), Arrays.asList((String) null)));
        try (Embedder embedder = Vlm2Vec.load(directory.resolve("model"), EmbedderOptions.defaults())) {
            MmebEvaluator evaluator = new MmebEvaluator(embedder, directory, false, directory.resolve("out"), 4, "tiny");
            AtomicLong total = new AtomicLong();
            MmebEvaluator.Result result = evaluator.evaluate(MmebRegistry.load().dataset("VOC2007"), rows,
                    (done, all) -> total.set(all));
            assertEquals(1 + 3, total.get(), "1 unique query + 3 unique candidates");
            // The same query and the same two candidates in swapped order: exactly one of rows 0 and 1 is right.
            assertEquals(3, result.score().numPred());
            assertTrue(result.score().numCorrect() >= 1, "row 2 has a single candidate, always right");
            assertEquals(2, result.score().numCorrect());
        }
    }

    @Test
    void globalScopeRanksAgainstEveryCandidateOfTheDataset(@TempDir Path directory) {
        TinyModels.write("phi3_v", directory.resolve("model"), 0, 0);
        // Each row lists only its positive, so per-list ranking is always right; globally the
        // same query's three positives compete and at most one (the best-scoring) wins.
        List<EvalRow> rows = List.of(
                new EvalRow("what is it?", null, List.of("cat"), Arrays.asList((String) null)),
                new EvalRow("what is it?", null, List.of("dog"), Arrays.asList((String) null)),
                new EvalRow("what is it?", null, List.of("bird"), Arrays.asList((String) null)));
        try (Embedder embedder = Vlm2Vec.load(directory.resolve("model"), EmbedderOptions.defaults())) {
            MmebDataset dataset = MmebRegistry.load().dataset("VOC2007");
            MmebEvaluator perList = new MmebEvaluator(embedder, directory, false, directory.resolve("a"), 4, "tiny");
            assertEquals(3, perList.evaluate(dataset, rows, (done, all) -> {}).score().numCorrect());
            MmebEvaluator global = new MmebEvaluator(embedder, directory, false, directory.resolve("b"), 4, "tiny",
                    RankingScope.GLOBAL);
            assertEquals(1, global.evaluate(dataset, rows, (done, all) -> {}).score().numCorrect());
        }
    }
}
