package dev.vlm2vec.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vlm2vec.eval.MetaTask;
import dev.vlm2vec.eval.MmebDataset;
import dev.vlm2vec.eval.MmebRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SyntheticMmebTest {

    @Test
    void deterministicPublishedLayoutForAllMetaTasks(@TempDir Path directory) throws Exception {
        Path a = directory.resolve("a"), b = directory.resolve("b"), c = directory.resolve("c");
        SyntheticMmeb.write(a, 7, 8);
        SyntheticMmeb.write(b, 7, 8);
        SyntheticMmeb.write(c, 8, 8);
        List<MmebDataset> datasets = MmebRegistry.load().syntheticDatasets();
        assertEquals(4, datasets.stream().map(MmebDataset::metaTask).distinct().count(), "all four meta-tasks");
        for (MmebDataset dataset : datasets) {
            List<EvalRow> eval = MmebParquet.readEval(a.resolve("eval").resolve(dataset.name()).resolve("test-00000-of-00001.parquet"));
            assertEquals(8, eval.size(), dataset.name());
            assertEquals(eval, MmebParquet.readEval(b.resolve("eval").resolve(dataset.name()).resolve("*.parquet")));
            List<TrainRow> train = MmebParquet.readTrain(a.resolve("train").resolve(dataset.name()).resolve("*.parquet"));
            assertEquals(16, train.size(), dataset.name());
            for (EvalRow row : eval) {
                assertTrue(row.targetTexts().size() >= 3, dataset.name());
                for (String path : row.targetImages().stream().filter(Objects::nonNull).toList()) {
                    assertTrue(Files.isRegularFile(a.resolve("eval").resolve(path)), path);
                }
                if (row.queryImage() != null) {
                    Path image = a.resolve("eval").resolve(row.queryImage());
                    assertArrayEquals(Files.readAllBytes(image), Files.readAllBytes(b.resolve("eval").resolve(row.queryImage())));
                    assertTrue(row.queryText().startsWith("<|image_1|>\n"), row.queryText());
                }
            }
            if (dataset.metaTask() == MetaTask.CLASSIFICATION) {
                assertNotEquals(eval, MmebParquet.readEval(c.resolve("eval").resolve(dataset.name()).resolve("*.parquet")),
                        "another seed, other data");
            }
        }
    }
}
