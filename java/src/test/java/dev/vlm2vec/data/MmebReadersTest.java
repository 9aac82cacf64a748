package dev.vlm2vec.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** MMEB-eval rows through parquet (written here with the published schema) and JSONL. */
class MmebReadersTest {

    private static final List<EvalRow> ROWS = List.of(
            new EvalRow("<|image_1|>\nIdentify the object shown in the image\n", "images/a.jpg", List.of("cat", "dog", "car"),
                    Arrays.asList(null, null, null)),
            new EvalRow("Find me an everyday image that matches the given caption: a cat", null,
                    List.of("<|image_1|>\nRepresent the given image.\n", "<|image_1|>\nRepresent the given image.\n"),
                    List.of("images/cat.jpg", "images/dog's.jpg")));

    @Test
    void parquetRoundTripKeepsListColumnsAndEmptyPaths(@TempDir Path directory) {
        Path file = directory.resolve("it's VOC2007.parquet");
        MmebParquet.writeEval(file, ROWS);
        assertEquals(ROWS, MmebParquet.readEval(file));
    }

    @Test
    void jsonlReadsThePublishedColumns(@TempDir Path directory) throws Exception {
        Path file = Files.writeString(directory.resolve("VOC2007.jsonl"),
                "{\"qry_text\": \"q\", \"qry_img_path\": \"images/a.jpg\", \"tgt_text\": [\"x\", \"y\"],"
                        + " \"tgt_img_path\": [\"\", \"\"]}\n\n", StandardCharsets.UTF_8);
        List<EvalRow> rows = MmebJsonlReader.readEval(file);
        assertEquals(List.of(new EvalRow("q", "images/a.jpg", List.of("x", "y"), Arrays.asList(null, null))), rows);
        Path bad = Files.writeString(directory.resolve("bad.jsonl"),
                "{\"qry_text\": \"q\", \"tgt_text\": [\"x\"], \"tgt_img_path\": []}\n", StandardCharsets.UTF_8);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> MmebJsonlReader.readEval(bad));
        assertTrue(e.getMessage().startsWith(bad + " line 1: tgt_text has 1 entries but tgt_img_path has 0"), e.getMessage());
    }

    @Test
    void trainPairsReadFromJsonlAndParquetAlike(@TempDir Path directory) throws Exception {
        List<TrainRow> rows = List.of(
                new TrainRow("<|image_1|>\nRepresent the given image for classification\n", "images/x.jpg", "cat", null, "", null),
                new TrainRow("Find an image: a cat", null, "<|image_1|>\nRepresent the given image.\n", "images/c.jpg",
                        "<|image_1|>\nRepresent the given image.\n", "images/d.jpg"));
        Path parquet = directory.resolve("train.parquet");
        MmebParquet.writeTrain(parquet, rows);
        assertEquals(rows, MmebParquet.readTrain(parquet));
        Path jsonl = Files.writeString(directory.resolve("train.jsonl"), String.join("\n",
                "{\"qry\": \"<|image_1|>\\nRepresent the given image for classification\\n\", \"qry_image_path\": \"images/x.jpg\","
                        + " \"pos_text\": \"cat\", \"pos_image_path\": \"\", \"neg_text\": \"\", \"neg_image_path\": \"\"}",
                "{\"qry\": \"Find an image: a cat\", \"pos_text\": \"<|image_1|>\\nRepresent the given image.\\n\","
                        + " \"pos_image_path\": \"images/c.jpg\", \"neg_text\": \"<|image_1|>\\nRepresent the given image.\\n\","
                        + " \"neg_image_path\": \"images/d.jpg\"}"), StandardCharsets.UTF_8);
        assertEquals(rows, MmebJsonlReader.readTrain(jsonl));
    }

    @Test
    void aMissingParquetFileIsNamed(@TempDir Path directory) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> MmebParquet.readEval(directory.resolve("none.parquet")));
        assertTrue(e.getMessage().startsWith("cannot read MMEB-eval parquet " + directory.resolve("none.parquet")),
                e.getMessage());
    }
}
