package dev.vlm2vec.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vlm2vec.ffi.TinyModels;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `vlm2vec eval` end to end on a tiny model and a small hand-made MMEB-eval set. */
class EvalCommandTest {

    @TempDir
    static Path directory;

    static final String[] COLOURS = {"red", "green", "blue", "yellow"};

    @BeforeAll
    static void writeModelAndData() throws Exception {
        TinyModels.write("phi3_v", directory.resolve("model"), 0, 0);
        Path data = Files.createDirectories(directory.resolve("data"));
        Files.createDirectories(data.resolve("images"));
        Color[] colours = {Color.RED, Color.GREEN, Color.BLUE, Color.YELLOW};
        List<String> voc = new ArrayList<>();
        List<String> i2t = new ArrayList<>();
        ObjectMapper json = new ObjectMapper();
        for (int i = 0; i < 12; i++) {
            BufferedImage image = new BufferedImage(64, 48, BufferedImage.TYPE_INT_RGB);
            Graphics2D g = image.createGraphics();
            g.setColor(colours[i % 4]);
            g.fillOval(5 + i, 5, 30, 30);
            g.dispose();
            String path = "images/shape_" + i + ".png";
            ImageIO.write(image, "png", data.resolve(path).toFile());
            // Classification: candidates are the label set, the right label first.
            List<String> labels = new ArrayList<>(List.of(COLOURS));
            labels.remove(COLOURS[i % 4]);
            labels.add(0, COLOURS[i % 4]);
            var row = json.createObjectNode().put("qry_text", "<|image_1|>\nIdentify the object shown in the image\n")
                    .put("qry_img_path", path);
            labels.forEach(row.putArray("tgt_text")::add);
            labels.forEach(label -> row.withArray("tgt_img_path").add(""));
            voc.add(row.toString());
            var caption = json.createObjectNode().put("qry_text", "<|image_1|>\nFind an image caption describing the given"
                    + " everyday image.\n").put("qry_img_path", path);
            caption.putArray("tgt_text").add("a " + COLOURS[i % 4] + " circle").add("a square").add("two lines");
            caption.putArray("tgt_img_path").add("").add("").add("");
            i2t.add(caption.toString());
        }
        Files.writeString(data.resolve("VOC2007.jsonl"), String.join("\n", voc), StandardCharsets.UTF_8);
        // The same rows as parquet in the Hugging Face layout: {Dataset}/test-00000-of-00001.parquet.
        Path jsonl = Files.writeString(directory.resolve("MSCOCO_i2t.jsonl"), String.join("\n", i2t), StandardCharsets.UTF_8);
        Files.createDirectories(data.resolve("MSCOCO_i2t"));
        dev.vlm2vec.data.MmebParquet.writeEval(data.resolve("MSCOCO_i2t/test-00000-of-00001.parquet"),
                dev.vlm2vec.data.MmebJsonlReader.readEval(jsonl));
        Files.writeString(data.resolve("README.md"), "notes", StandardCharsets.UTF_8);  // not a dataset: ignored
    }

    @Test
    void writesScoresPredictionsAndSummary() throws Exception {
        Path output = directory.resolve("results");
        CliRun run = CliRun.of("eval", "--model", directory.resolve("model").toString(), "--data",
                directory.resolve("data").toString(), "--output", output.toString(), "--batch-size", "8");
        assertEquals(0, run.exitCode(), run.err());
        ObjectMapper json = new ObjectMapper();
        for (String name : new String[] {"VOC2007", "MSCOCO_i2t"}) {
            JsonNode score = json.readTree(output.resolve(name + "_score.json").toFile());
            assertEquals(12, score.get("num_pred").asInt());
            double acc = score.get("acc").asDouble();
            assertTrue(acc >= 0 && acc <= 1, name + " acc " + acc);
            assertEquals(score.get("num_correct").asInt() / 12.0, acc, 1e-12);
            assertEquals(12, Files.readAllLines(output.resolve(name + "_pred.jsonl")).size());
        }
        JsonNode summary = json.readTree(output.resolve("summary.json").toFile());
        assertEquals("classification", summary.at("/datasets/VOC2007/meta_task").asText());
        assertEquals("IND", summary.at("/datasets/MSCOCO_i2t/split").asText());
        double overall = summary.get("overall").asDouble();
        assertEquals((summary.at("/datasets/VOC2007/acc").asDouble() + summary.at("/datasets/MSCOCO_i2t/acc").asDouble()) / 2,
                overall, 1e-12);
        assertTrue(summary.get("OOD").isNull());
        // Two of MMEB's 36 datasets: no aggregate is the paper's, so no reference row stands beside them.
        String table = Files.readString(output.resolve("summary.md"));
        assertTrue(!table.contains("VLM2Vec Phi-3.5-V LoRA"), table);
        assertTrue(table.contains("Classification: the paper's column is left out, only 1 of its 10 datasets were evaluated"),
                table);
        assertTrue(table.contains("| **model** |"), table);
        assertTrue(table.contains("| datasets | 1 | 0 | 1 | 0 | 2 | 0 | 2 |"), table);
        assertEquals(1, summary.at("/dataset_counts/classification").asInt());
        assertEquals(2, summary.at("/dataset_counts/overall").asInt());
        // What produced the results travels with them.
        JsonNode info = summary.get("run");
        assertEquals(directory.resolve("model").toAbsolutePath().normalize().toString(), info.get("model").asText());
        assertEquals(64, info.get("model_config_sha256").asText().length());
        assertTrue(info.get("adapter").isNull());
        assertEquals("fp32", info.get("dtype").asText());
        assertEquals(directory.resolve("data").toAbsolutePath().normalize().toString(), info.get("data").asText());
        assertEquals(dev.vlm2vec.ProjectVersion.get(), info.get("vlm2vec_version").asText());
        assertTrue(java.time.Instant.parse(info.get("started_at").asText()).isBefore(java.time.Instant.now()));
        assertTrue(info.get("duration_s").asDouble() > 0);
        String html = Files.readString(output.resolve("report.html"));
        assertTrue(html.contains("<h2>Classification</h2>") && !html.contains("<h2>Grounding</h2>"), html);
        assertTrue(!html.contains("VLM2Vec Phi-3.5-V LoRA") && html.contains("font-weight=\"bold\">model (1 datasets)</text>"),
                html);
        assertTrue(run.out().startsWith("overall Precision@1 "), run.out());
        // A second run resumes from the embedding cache and scores the same.
        CliRun again = CliRun.of("eval", "--model", directory.resolve("model").toString(), "--data",
                directory.resolve("data").toString(), "--output", output.toString(), "--batch-size", "8");
        assertEquals(0, again.exitCode(), again.err());
        assertTrue(again.err().contains("VOC2007: Precision@1 ") && again.err().contains("(cached embeddings)"), again.err());
        assertEquals(summary.get("datasets"), json.readTree(output.resolve("summary.json").toFile()).get("datasets"));
    }

    /** A user's own datasets, by any name, with meta-tasks from datasets.json and --task; honest aggregates. */
    @Test
    void evaluatesDatasetsOfAnyNameWithDeclaredMetaTasks() throws Exception {
        Path data = Files.createDirectories(directory.resolve("own"));
        Files.copy(directory.resolve("data/VOC2007.jsonl"), data.resolve("MyShapes.jsonl"));
        Files.createDirectories(data.resolve("MyCaptions"));
        Files.copy(directory.resolve("data/MSCOCO_i2t/test-00000-of-00001.parquet"),
                data.resolve("MyCaptions/test-00000-of-00001.parquet"));
        Files.createDirectories(data.resolve("images"));
        for (int i = 0; i < 12; i++) {
            Files.copy(directory.resolve("data/images/shape_" + i + ".png"), data.resolve("images/shape_" + i + ".png"));
        }
        Files.writeString(data.resolve("datasets.json"), "{\"MyShapes\": {\"meta_task\": \"classification\"}}");
        Path output = directory.resolve("own-results");
        CliRun run = CliRun.of("eval", "--model", directory.resolve("model").toString(), "--data", data.toString(),
                "--task", "MyCaptions=Retrieval", "--output", output.toString());
        assertEquals(0, run.exitCode(), run.err());
        JsonNode summary = new ObjectMapper().readTree(output.resolve("summary.json").toFile());
        assertEquals("classification", summary.at("/datasets/MyShapes/meta_task").asText());
        assertEquals("retrieval", summary.at("/datasets/MyCaptions/meta_task").asText());
        assertEquals("custom", summary.at("/datasets/MyShapes/origin").asText());
        assertEquals(summary.at("/datasets/MyShapes/acc").asDouble(), summary.at("/meta_tasks/classification").asDouble(), 1e-12);
        assertTrue(summary.get("IND").isNull() && summary.get("OOD").isNull(), summary.toString());
        assertEquals(2, summary.at("/dataset_counts/overall").asInt());
        String table = Files.readString(output.resolve("summary.md"));
        assertTrue(!table.contains("VLM2Vec") && table.contains("MyCaptions, MyShapes are not MMEB datasets"), table);
        // The same scores as under their MMEB names: the rows are the same.
        CliRun unknownTask = CliRun.of("eval", "--model", directory.resolve("model").toString(), "--data", data.toString(),
                "--task", "MyCaptions=ranking", "--output", directory.resolve("own-bad").toString());
        assertEquals(1, unknownTask.exitCode());
        assertTrue(unknownTask.err().contains("meta-task of MyCaptions: unknown meta-task 'ranking'"), unknownTask.err());
        CliRun absent = CliRun.of("eval", "--model", directory.resolve("model").toString(), "--data", data.toString(),
                "--task", "Nothing=vqa", "--output", directory.resolve("own-bad").toString());
        assertEquals(1, absent.exitCode());
        assertTrue(absent.err().contains("--task Nothing=vqa: no dataset is called Nothing; found: MyCaptions, MyShapes"),
                absent.err());

        // Two runs side by side in one report.
        Path mmeb = directory.resolve("results");
        if (!Files.isRegularFile(mmeb.resolve("summary.json"))) {
            assertEquals(0, CliRun.of("eval", "--model", directory.resolve("model").toString(), "--data",
                    directory.resolve("data").toString(), "--output", mmeb.toString()).exitCode());
        }
        Path report = directory.resolve("comparison.html");
        CliRun compare = CliRun.of("report", mmeb.toString(), output.toString(), "--output", report.toString());
        assertEquals(0, compare.exitCode(), compare.err());
        String html = Files.readString(report);
        for (String name : new String[] {"VOC2007", "MSCOCO_i2t", "MyShapes", "MyCaptions", "<h2>Retrieval</h2>"}) {
            assertTrue(html.contains(name), name);
        }
        assertTrue(html.contains("font-weight=\"bold\">model (2 datasets)</text>"), html);
        CliRun missing = CliRun.of("report", directory.resolve("nowhere").toString());
        assertEquals(1, missing.exitCode());
        assertTrue(missing.err().contains("holds no summary.json"), missing.err());
    }

    @Test
    void resultsOfDifferentModelsGoToTheirOwnFolders() {
        assertEquals(Path.of("mmeb-results", "model"), EvalCommand.defaultOutput(Path.of("/m/model"), null));
        assertEquals(Path.of("mmeb-results", "model+run-checkpoint-40"),
                EvalCommand.defaultOutput(Path.of("/m/model"), Path.of("/r/run/checkpoint-40")));
    }

    @Test
    void evaluatesOnMmebMiniByDefaultNearChanceForAnUntrainedModel() throws Exception {
        Path cache = directory.resolve("cache");
        Path mini = MmebMini.root().getFileName();
        // Generate the default set where the command will look for it (XDG_CACHE_HOME is the
        // user's; the test writes the same set with make-synthetic and points --data at it).
        CliRun make = CliRun.of("make-synthetic", "--output", cache.resolve(mini).toString(), "--size", "12");
        assertEquals(0, make.exitCode(), make.err());
        Path output = directory.resolve("mini-results");
        CliRun run = CliRun.of("eval", "--model", directory.resolve("model").toString(), "--data",
                cache.resolve(mini).resolve("eval").toString(), "--output", output.toString());
        assertEquals(0, run.exitCode(), run.err());
        JsonNode summary = new ObjectMapper().readTree(output.resolve("summary.json").toFile());
        assertEquals(6, summary.get("datasets").size());
        for (String task : new String[] {"classification", "vqa", "retrieval", "grounding"}) {
            double value = summary.at("/meta_tasks/" + task).asDouble();
            assertTrue(value >= 0 && value <= 1, task + " " + value);
        }
        // Chance over these datasets averages about 0.22 (1/4, 1/6, 1/4, 1/8, 1/8, 1/3).
        double overall = summary.get("overall").asDouble();
        assertTrue(overall < 0.6, "an untrained model should be near chance, got " + overall);
    }

    @Test
    void missingImagesFailWithThePathOrAreSkippedAndCounted() throws Exception {
        Path data = Files.createDirectories(directory.resolve("broken"));
        Files.writeString(data.resolve("VOC2007.jsonl"), String.join("\n",
                "{\"qry_text\": \"<|image_1|>\\nIdentify the object\\n\", \"qry_img_path\": \"images/none.png\","
                        + " \"tgt_text\": [\"red\", \"blue\"], \"tgt_img_path\": [\"\", \"\"]}",
                "{\"qry_text\": \"a red thing\", \"qry_img_path\": \"\", \"tgt_text\": [\"red\", \"blue\"],"
                        + " \"tgt_img_path\": [\"\", \"\"]}"), StandardCharsets.UTF_8);
        CliRun failing = CliRun.of("eval", "--model", directory.resolve("model").toString(), "--data", data.toString(),
                "--output", directory.resolve("out1").toString());
        assertEquals(1, failing.exitCode());
        assertTrue(failing.err().contains("image file " + data.resolve("images/none.png") + " does not exist"), failing.err());
        CliRun skipping = CliRun.of("eval", "--model", directory.resolve("model").toString(), "--data", data.toString(),
                "--output", directory.resolve("out2").toString(), "--skip-missing");
        assertEquals(0, skipping.exitCode(), skipping.err());
        assertTrue(skipping.err().contains("VOC2007: Precision@1 "), skipping.err());
        assertTrue(skipping.err().contains("(1/1), 1 rows skipped for missing images")
                || skipping.err().contains("(0/1), 1 rows skipped for missing images"), skipping.err());
        CliRun global = CliRun.of("eval", "--model", directory.resolve("model").toString(), "--data", data.toString(),
                "--output", directory.resolve("out3").toString(), "--skip-missing", "--global");
        assertEquals(0, global.exitCode(), global.err());
        assertTrue(global.err().contains("VOC2007: Precision@1 "), global.err());
        // Image paths stay under --image-root: an escape is refused before anything is opened (so it
        // cannot probe files elsewhere), unless --allow-absolute-paths; a FIFO is refused, not read forever.
        Path outside = Files.createDirectories(directory.resolve("escape"));
        Files.writeString(outside.resolve("VOC2007.jsonl"), "{\"qry_text\": \"<|image_1|>\\nIdentify\\n\","
                + " \"qry_img_path\": \"../data/images/shape_0.png\", \"tgt_text\": [\"red\", \"blue\"],"
                + " \"tgt_img_path\": [\"\", \"\"]}");
        CliRun escape = CliRun.of("eval", "--model", directory.resolve("model").toString(), "--data", outside.toString(),
                "--output", directory.resolve("out4").toString());
        assertEquals(1, escape.exitCode());
        assertTrue(escape.err().contains("image path '../data/images/shape_0.png' leaves the image root " + outside),
                escape.err());
        CliRun allowed = CliRun.of("eval", "--model", directory.resolve("model").toString(), "--data", outside.toString(),
                "--output", directory.resolve("out5").toString(), "--allow-absolute-paths");
        assertEquals(0, allowed.exitCode(), allowed.err());
        Path fifo = outside.resolve("fifo.png");
        assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor());
        Files.writeString(outside.resolve("VOC2007.jsonl"), "{\"qry_text\": \"<|image_1|>\\nIdentify\\n\","
                + " \"qry_img_path\": \"fifo.png\", \"tgt_text\": [\"red\", \"blue\"], \"tgt_img_path\": [\"\", \"\"]}");
        CliRun pipe = CliRun.of("eval", "--model", directory.resolve("model").toString(), "--data", outside.toString(),
                "--output", directory.resolve("out6").toString());
        assertEquals(1, pipe.exitCode());
        assertTrue(pipe.err().contains("image file " + fifo + " is not a regular file"), pipe.err());
        CliRun unknown = CliRun.of("eval", "--model", directory.resolve("model").toString(), "--data", data.toString(),
                "--datasets", "ImageNet");
        assertEquals(1, unknown.exitCode());
        assertTrue(unknown.err().contains("--datasets ImageNet: not found in " + data + "; found: VOC2007"), unknown.err());
    }
}
