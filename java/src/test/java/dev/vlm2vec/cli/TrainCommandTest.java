package dev.vlm2vec.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vlm2vec.ffi.ModelBatch;
import dev.vlm2vec.ffi.ModelDType;
import dev.vlm2vec.ffi.NativeModel;
import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainCommandTest {

    private static List<JsonNode> metrics(Path output) throws Exception {
        ObjectMapper json = new ObjectMapper();
        List<JsonNode> lines = new ArrayList<>();
        for (String line : Files.readAllLines(output.resolve("metrics.jsonl"))) {
            lines.add(json.readTree(line));
        }
        return lines;
    }

    /** A tiny random Phi-3.5-V base model for runs that name their --data (which needs --model). */
    private static String model(Path directory) {
        Path model = directory.resolve("base");
        if (!Files.isRegularFile(model.resolve("config.json"))) {
            dev.vlm2vec.ffi.TinyModels.write("phi3_v", model, 42, 0);
        }
        return model.toString();
    }

    private static double overall(String out, int column) {
        Matcher m = Pattern.compile("\\| overall \\| ([0-9.]+) \\| ([0-9.]+) \\|").matcher(out);
        assertTrue(m.find(), out);
        return Double.parseDouble(m.group(column));
    }

    /**
     * The default run (no flags but the output): a tiny random model on MMEB-mini learns.
     * Threshold: the overall Precision@1 rises by at least 10 points over the untrained model
     * (chance is about 22%); measured when this was written: 19.7% before, see the README.
     */
    @Test
    void theDefaultRunLearnsOnMmebMini(@TempDir Path directory) throws Exception {
        Path output = directory.resolve("run");
        CliRun run = CliRun.of("train", "--output", output.toString());
        assertEquals(0, run.exitCode(), run.err());
        double before = overall(run.out(), 1), after = overall(run.out(), 2);
        assertTrue(after >= before + 10, "before " + before + "% after " + after + "%\n" + run.out());
        List<JsonNode> lines = metrics(output);
        assertTrue(lines.size() >= 10);
        assertTrue(lines.get(lines.size() - 1).get("loss").asDouble() < lines.get(0).get("loss").asDouble());
        Path checkpoint = Path.of(run.out().lines().filter(l -> l.startsWith("checkpoint: ")).findFirst().orElseThrow()
                .substring("checkpoint: ".length()));
        JsonNode config = new ObjectMapper().readTree(checkpoint.resolve("adapter_config.json").toFile());
        assertEquals("LORA", config.get("peft_type").asText());
        assertTrue(Files.isRegularFile(output.resolve("eval-after").resolve("summary.json")));
    }

    @Test
    void resumingContinuesWithTheSameLossesAndConfigFilesSetFlags(@TempDir Path directory) throws Exception {
        Path data = directory.resolve("mini");
        assertEquals(0, CliRun.of("make-synthetic", "--output", data.toString(), "--size", "8").exitCode());
        Path config = directory.resolve("train.yaml");
        Files.writeString(config, "steps: 6\nbatch-size: 8\ngc-chunk: 4\nsave-every: 3\ndora: true\nno-eval: true\n"
                + "datasets: [MINI-ShapeClass, MINI-ColorVQA]\n");
        Path straight = directory.resolve("straight");
        CliRun first = CliRun.of("train", "--config", config.toString(), "--model", model(directory), "--data",
                data.resolve("train").toString(),
                "--output", straight.toString());
        assertEquals(0, first.exitCode(), first.err());
        List<JsonNode> expected = metrics(straight);
        assertEquals(6, expected.size());
        assertTrue(Files.isDirectory(straight.resolve("checkpoint-3")));

        // Interrupted after step 3: drop the later checkpoint and metrics, then resume.
        Path resumed = directory.resolve("resumed");
        assertEquals(0, CliRun.of("train", "--config", config.toString(), "--model", model(directory), "--data",
                data.resolve("train").toString(), "--output", resumed.toString(), "--steps", "6").exitCode());
        deleteRecursively(resumed.resolve("checkpoint-6"));
        List<String> kept = Files.readAllLines(resumed.resolve("metrics.jsonl")).subList(0, 3);
        Files.write(resumed.resolve("metrics.jsonl"), kept);
        CliRun again = CliRun.of("train", "--config", config.toString(), "--model", model(directory), "--data",
                data.resolve("train").toString(), "--output", resumed.toString(), "--resume");
        assertEquals(0, again.exitCode(), again.err());
        assertTrue(again.err().contains("resumed from"), again.err());
        List<JsonNode> actual = metrics(resumed);
        assertEquals(6, actual.size());
        for (int i = 3; i < 6; i++) {
            assertEquals(expected.get(i).get("loss").asDouble(), actual.get(i).get("loss").asDouble(), 1e-6, "step " + (i + 1));
        }
    }

    @Test
    void badSettingsAreNamed(@TempDir Path directory) throws Exception {
        Path data = directory.resolve("mini");
        assertEquals(0, CliRun.of("make-synthetic", "--output", data.toString(), "--size", "8").exitCode());
        CliRun target = CliRun.of("train", "--model", model(directory), "--data", data.resolve("train").toString(), "--output",
                directory.resolve("a").toString(), "--targets", "w_pack", "--steps", "1", "--batch-size", "4", "--no-eval");
        assertEquals(1, target.exitCode());
        assertTrue(target.err().contains("LoRA target 'w_pack' matches no linear layer"), target.err());
        CliRun crops = CliRun.of("train", "--model", model(directory), "--data", data.resolve("train").toString(), "--output",
                directory.resolve("c").toString(), "--num-crops", "-2", "--steps", "1", "--batch-size", "4", "--no-eval");
        assertEquals(1, crops.exitCode());
        assertTrue(crops.err().contains("--num-crops must be between 0 and 64, not -2"), crops.err());
        CliRun oneCrop = CliRun.of("train", "--model", model(directory), "--data", data.resolve("train").toString(), "--output",
                directory.resolve("d").toString(), "--num-crops", "1", "--steps", "1", "--batch-size", "4", "--no-eval",
                "--datasets", "MINI-ShapeClass");
        assertEquals(0, oneCrop.exitCode(), oneCrop.err());
        Path config = directory.resolve("bad.json");
        Files.writeString(config, "{\"learning_rate\": 1}");
        CliRun unknown = CliRun.of("train", "--config", config.toString(), "--output", directory.resolve("b").toString());
        assertEquals(1, unknown.exitCode());
        assertTrue(unknown.err().contains("unknown setting 'learning_rate'"), unknown.err());
        Files.writeString(config, "{\"batch_size\": 4}");
        CliRun hfStyle = CliRun.of("train", "--config", config.toString(), "--output", directory.resolve("b").toString());
        assertTrue(hfStyle.err().contains("--config " + config + ": unknown setting 'batch_size'; settings are named like"
                + " the flags: did you mean 'batch-size'?"), hfStyle.err());
    }

    /** Each numeric flag out of range is refused by name, before any data is read or folder made. */
    @Test
    void everyNumericFlagIsCheckedByNameBeforeAnyWork(@TempDir Path directory) throws Exception {
        String[][] cases = {
            {"--steps", "0", "--steps must be >= 1, not 0"},
            {"--batch-size", "0", "--batch-size must be >= 1, not 0"},
            {"--gc-chunk", "-1", "--gc-chunk must be between 0 and 32, not -1"},
            {"--lr", "0", "--lr must be > 0, not 0.0"},
            {"--warmup", "-1", "--warmup must be between 0 and 150, not -1"},
            {"--weight-decay", "-0.1", "--weight-decay must be >= 0, not -0.1"},
            {"--max-grad-norm", "-1", "--max-grad-norm must be >= 0, not -1.0"},
            {"--temperature", "-0.02", "--temperature must be > 0, not -0.02"},
            {"--lora-r", "0", "--lora-r must be >= 1, not 0"},
            {"--lora-alpha", "0", "--lora-alpha must be > 0, not 0.0"},
            {"--lora-dropout", "1", "--lora-dropout must be in [0, 1), not 1.0"},
            {"--max-per-dataset", "-3", "--max-per-dataset must be >= 0, not -3"},
            {"--save-every", "-1", "--save-every must be >= 0, not -1"},
            {"--save-total-limit", "-1", "--save-total-limit must be >= 0, not -1"},
            {"--eval-every", "-1", "--eval-every must be >= 0, not -1"},
            {"--max-length", "-1", "--max-length must be >= 0, not -1"},
            {"--max-len", "-1", "--max-length must be >= 0, not -1"},
            {"--threads", "-2", "--threads must be between 0 and 4096, not -2"},
            {"--max-image-pixels", "0", "--max-image-pixels must be >= 1, not 0"},
        };
        for (String[] c : cases) {
            Path output = directory.resolve("never");
            CliRun run = CliRun.of("train", "--model", "/nonexistent-model", "--data", directory.toString(), "--output",
                    output.toString(), c[0], c[1]);
            assertEquals(1, run.exitCode(), c[0]);
            assertTrue(run.err().contains(c[2]), c[0] + ": " + run.err());
            assertTrue(!Files.exists(output), c[0] + " left a folder behind");
        }
        String[][] conflicts = {
            {"--warmup 50 --steps 2", "--warmup must be between 0 and 2, not 50"},
            {"--full --lora-r 4", "--full and --lora-r cannot be used together: full fine-tuning trains no adapter"},
            {"--full --dora", "--full and --dora cannot be used together"},
            {"--resume --overwrite", "--resume and --overwrite cannot be used together"},
            {"--gc-chunk 64 --batch-size 16", "--gc-chunk must be between 0 and 16, not 64"},
        };
        for (String[] c : conflicts) {
            List<String> args = new ArrayList<>(List.of("train", "--model", "/nonexistent-model", "--data",
                    directory.toString(), "--output", directory.resolve("never").toString()));
            args.addAll(List.of(c[0].split(" ")));
            CliRun run = CliRun.of(args.toArray(String[]::new));
            assertEquals(1, run.exitCode(), c[0]);
            assertTrue(run.err().contains(c[1]), c[0] + ": " + run.err());
        }
        CliRun missingModel = CliRun.of("train", "--model", "/nonexistent-model", "--data", directory.toString(), "--output",
                directory.resolve("never").toString());
        assertEquals(1, missingModel.exitCode());
        assertTrue(missingModel.err().contains("--model /nonexistent-model is not a folder"), missingModel.err());
        assertTrue(!Files.exists(directory.resolve("never")));
        CliRun noModel = CliRun.of("train", "--data", directory.toString(), "--output", directory.resolve("never").toString());
        assertEquals(1, noModel.exitCode());
        assertTrue(noModel.err().contains("--data needs --model DIR"), noModel.err());
        CliRun unwritable = CliRun.of("train", "--model", "/nonexistent-model", "--data", directory.toString(),
                "--output", Files.writeString(directory.resolve("a-file"), "x").resolve("run").toString());
        assertEquals(1, unwritable.exitCode());
        assertTrue(unwritable.err().contains("cannot write into " + directory.resolve("a-file/run") + ": "
                + directory.resolve("a-file") + " is a file, not a folder"), unwritable.err());
    }

    /**
     * A user's own pairs (JSONL, any name) train, evaluated on the user's own eval set (parquet);
     * the folder then holds a run, which a second train refuses to mix with; --resume takes the
     * adapter settings from the checkpoint; --save-total-limit keeps the newest; files follow the umask.
     */
    @Test
    void ownDataTrainsAndTheOutputFolderIsKeptSafe(@TempDir Path directory) throws Exception {
        Path mini = directory.resolve("mini");
        assertEquals(0, CliRun.of("make-synthetic", "--output", mini.toString(), "--size", "8").exitCode());
        Path own = Files.createDirectories(directory.resolve("own"));
        ObjectMapper json = new ObjectMapper();
        StringBuilder pairs = new StringBuilder();
        for (var row : dev.vlm2vec.data.MmebParquet.readTrain(mini.resolve("train/MINI-ShapeClass/*.parquet"))) {
            pairs.append(json.createObjectNode().put("qry", row.query()).put("qry_image_path", row.queryImage())
                    .put("pos_text", row.positiveText()).put("pos_image_path", "").toString()).append('\n');
        }
        Path pairsFile = Files.writeString(own.resolve("my_pairs.jsonl"), pairs);
        // Image paths must stay under their root: the images are linked in (links inside the root are followed).
        Files.createSymbolicLink(own.resolve("images"), mini.resolve("train/images"));
        Path ownEval = Files.createDirectories(directory.resolve("own-eval"));
        // Eval images resolve against the eval set's folder; --image-root is the training data's.
        Files.createSymbolicLink(ownEval.resolve("images"), mini.resolve("eval/images"));
        dev.vlm2vec.data.MmebParquet.writeEval(ownEval.resolve("MyShapes.parquet"),
                dev.vlm2vec.data.MmebParquet.readEval(mini.resolve("eval/MINI-ShapeClass/*.parquet")));
        Path output = directory.resolve("run");
        String[] common = {"train", "--model", model(directory), "--data", pairsFile.toString(), "--image-root",
            own.toString(), "--eval-data", ownEval.toString(), "--output", output.toString(), "--batch-size", "4",
            "--gc-chunk", "2", "--save-every", "1", "--save-total-limit", "2"};
        List<String> first = new ArrayList<>(List.of(common));
        first.addAll(List.of("--steps", "3", "--lora-r", "4", "--dora", "--task", "MyShapes=classification"));
        CliRun run = CliRun.of(first.toArray(String[]::new));
        assertEquals(0, run.exitCode(), run.err());
        assertTrue(run.err().contains("from 1 dataset(s)"), run.err());
        assertTrue(run.out().contains("| MyShapes |") && run.out().contains("report: " + output.resolve("report.html")
                .toAbsolutePath()), run.out());
        assertTrue(run.out().contains("next: vlm2vec eval --model ") && run.out().contains("done in "), run.out());
        assertTrue(Files.readString(output.resolve("eval-comparison.md")).contains("| MyShapes |"));
        assertTrue(Files.readString(output.resolve("report.html")).contains("before (1 datasets)"));
        // --save-total-limit 2 with a checkpoint per step: the newest two remain.
        assertEquals(List.of("checkpoint-2", "checkpoint-3"), checkpoints(output));
        JsonNode state = json.readTree(output.resolve("checkpoint-3/trainer_state.json").toFile());
        assertEquals(3, state.get("log_history").size());
        assertEquals("4", state.at("/settings/lora-r").asText());
        JsonNode trainConfig = json.readTree(output.resolve("train_config.json").toFile());
        assertEquals(3, trainConfig.get("steps").asInt());
        assertTrue(trainConfig.get("dora").asBoolean() && trainConfig.get("lora-r").isInt(), trainConfig.toString());
        // A run's train_config.json is a valid --config: the same settings, into another folder.
        CliRun replay = CliRun.of("train", "--config", output.resolve("train_config.json").toString(), "--output",
                directory.resolve("replay").toString(), "--no-eval");
        assertEquals(0, replay.exitCode(), replay.err());
        assertTrue(replay.err().contains("3 steps of 4 pairs, GradCache chunk 2") && replay.err().contains("DoRA r 4"),
                replay.err());
        assertEquals(json.readTree(output.resolve("metrics.jsonl").toFile()).get("loss"),
                json.readTree(directory.resolve("replay/metrics.jsonl").toFile()).get("loss"));
        // Files and folders get the modes the umask gives new ones, not 0600.
        int umask = umask();
        assertEquals(0666 & ~umask, mode(output.resolve("train_config.json")));
        assertEquals(0666 & ~umask, mode(output.resolve("checkpoint-3/adapter_model.safetensors")));
        assertEquals(0666 & ~umask, mode(output.resolve("eval-after/summary.json")));
        assertEquals(0777 & ~umask, mode(output.resolve("checkpoint-3")));

        // The folder holds a run: a new one is refused, not mixed in.
        List<String> again = new ArrayList<>(first);
        again.set(again.indexOf("--steps") + 1, "5");
        CliRun refused = CliRun.of(again.toArray(String[]::new));
        assertEquals(1, refused.exitCode());
        assertTrue(refused.err().contains("--output " + output + " is not empty (") && refused.err().contains(
                "pass --resume to continue its run, --overwrite to replace it"), refused.err());
        // --resume needs no adapter flag: r 4 and DoRA come from the checkpoint; a disagreeing one is named.
        List<String> resume = new ArrayList<>(List.of(common));
        resume.addAll(List.of("--steps", "4", "--resume", "--no-eval"));
        CliRun resumed = CliRun.of(resume.toArray(String[]::new));
        assertEquals(0, resumed.exitCode(), resumed.err());
        assertTrue(resumed.err().contains("resumed from " + output.resolve("checkpoint-3") + " at step 3"), resumed.err());
        assertTrue(resumed.err().contains("DoRA r 4 alpha 16.0"), resumed.err());
        assertEquals(List.of("checkpoint-3", "checkpoint-4"), checkpoints(output));
        assertEquals(4, json.readTree(output.resolve("checkpoint-4/trainer_state.json").toFile()).get("log_history").size());
        assertEquals(4, Files.readAllLines(output.resolve("metrics.jsonl")).size());
        resume.set(resume.indexOf("--steps") + 1, "5");
        resume.addAll(List.of("--lora-r", "8"));
        CliRun mismatch = CliRun.of(resume.toArray(String[]::new));
        assertEquals(1, mismatch.exitCode());
        assertTrue(mismatch.err().contains("--lora-r 8 disagrees with " + output.resolve("checkpoint-4")
                + ", trained with --lora-r 4"), mismatch.err());
        // --overwrite replaces the run.
        List<String> overwrite = new ArrayList<>(List.of(common));
        overwrite.addAll(List.of("--steps", "1", "--overwrite", "--no-eval"));
        CliRun replaced = CliRun.of(overwrite.toArray(String[]::new));
        assertEquals(0, replaced.exitCode(), replaced.err());
        assertEquals(List.of("checkpoint-1"), checkpoints(output));
        assertEquals(1, Files.readAllLines(output.resolve("metrics.jsonl")).size());

        // A folder of the user's datasets, JSONL and parquet side by side.
        dev.vlm2vec.data.MmebParquet.writeTrain(own.resolve("more_pairs.parquet"),
                dev.vlm2vec.data.MmebJsonlReader.readTrain(pairsFile));
        CliRun folder = CliRun.of("train", "--model", model(directory), "--data", own.toString(), "--output",
                directory.resolve("folder-run").toString(), "--steps", "1", "--batch-size", "4", "--no-eval");
        assertEquals(0, folder.exitCode(), folder.err());
        assertTrue(folder.err().contains("training on 32 pairs from 2 dataset(s)"), folder.err());
    }

    private static List<String> checkpoints(Path output) throws Exception {
        try (var entries = Files.list(output)) {
            return entries.map(p -> p.getFileName().toString()).filter(n -> n.matches("checkpoint-\\d+")).sorted().toList();
        }
    }

    static int mode(Path file) throws Exception {
        int mode = 0;
        for (var permission : Files.getPosixFilePermissions(file)) {
            mode |= 1 << (8 - permission.ordinal());
        }
        return mode;
    }

    /** This process's umask, as the kernel reports it. */
    static int umask() throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("Umask:")) {
                return Integer.parseInt(line.substring(6).strip(), 8);
            }
        }
        throw new IllegalStateException("no Umask in /proc/self/status");
    }

    @Test
    void mergedAdaptersAndFullFineTunesLoadLikeAnyModel(@TempDir Path directory) throws Exception {
        Path data = directory.resolve("mini");
        assertEquals(0, CliRun.of("make-synthetic", "--output", data.toString(), "--size", "8").exitCode());
        Path run = directory.resolve("lora");
        CliRun train = CliRun.of("train", "--model", model(directory), "--data", data.resolve("train").toString(), "--output", run.toString(),
                "--steps", "2", "--batch-size", "4", "--gc-chunk", "2", "--no-eval", "--datasets", "MINI-ShapeClass");
        assertEquals(0, train.exitCode(), train.err());
        Path merged = directory.resolve("merged");
        // --out: the old spelling of --output, still accepted.
        CliRun merge = CliRun.of("merge", "--model", model(directory), "--adapter",
                run.resolve("checkpoint-2").toString(), "--out", merged.toString(), "--dtype", "fp32");
        assertEquals(0, merge.exitCode(), merge.err());
        assertEquals(java.util.Set.of("F32"), tensorDtypes(merged));
        assertEquals("float32", new ObjectMapper().readTree(merged.resolve("config.json").toFile()).get("torch_dtype").asText());
        // By default the merged model keeps the base's dtype (bf16 here), every tensor, and says so.
        Path mergedBf16 = directory.resolve("merged-bf16");
        CliRun mergeDefault = CliRun.of("merge", "--model", model(directory), "--adapter",
                run.resolve("checkpoint-2").toString(), "--output", mergedBf16.toString());
        assertEquals(0, mergeDefault.exitCode(), mergeDefault.err());
        assertTrue(mergeDefault.out().contains("merged model (bf16)"), mergeDefault.out());
        assertEquals(java.util.Set.of("BF16"), tensorDtypes(mergedBf16));
        assertEquals("bfloat16", new ObjectMapper().readTree(mergedBf16.resolve("config.json").toFile()).get("torch_dtype").asText());
        try (NativeModel fromMerged = NativeModel.load(merged, "cpu", ModelDType.FLOAT32);
                NativeModel withAdapter = NativeModel.load(Path.of(model(directory)), "cpu", ModelDType.FLOAT32);
                Arena arena = Arena.ofConfined()) {
            withAdapter.loadAdapter(run.resolve("checkpoint-2"), false);
            ModelBatch batch = ModelBatch.ofText(new long[][] {{1, 20, 30, 40}}, new long[][] {{1, 1, 1, 1}}, arena);
            float[] a = fromMerged.encode(batch, true), b = withAdapter.encode(batch, true);
            for (int i = 0; i < a.length; i++) {
                assertEquals(b[i], a[i], 1e-5, "element " + i);
            }
        }
        Path fullRun = directory.resolve("full");
        CliRun full = CliRun.of("train", "--model", model(directory), "--data", data.resolve("train").toString(), "--output", fullRun.toString(),
                "--steps", "1", "--batch-size", "4", "--full", "--lr", "1e-4", "--no-eval", "--datasets", "MINI-ShapeClass");
        assertEquals(0, full.exitCode(), full.err());
        try (NativeModel model = NativeModel.load(fullRun.resolve("checkpoint-1").resolve("model"), "cpu", ModelDType.FLOAT32)) {
            assertEquals("phi3_v", model.info().architecture());
        }
    }

    /** The dtypes a safetensors file's header declares (8-byte little-endian length, then JSON). */
    static java.util.Set<String> tensorDtypes(Path model) throws Exception {
        byte[] bytes = Files.readAllBytes(model.resolve("model.safetensors"));
        long length = java.nio.ByteBuffer.wrap(bytes, 0, 8).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong();
        JsonNode header = new ObjectMapper().readTree(new String(bytes, 8, (int) length, java.nio.charset.StandardCharsets.UTF_8));
        java.util.Set<String> dtypes = new java.util.TreeSet<>();
        header.fields().forEachRemaining(e -> {
            if (!e.getKey().equals("__metadata__")) {
                dtypes.add(e.getValue().get("dtype").asText());
            }
        });
        return dtypes;
    }

    private static void deleteRecursively(Path path) throws Exception {
        try (var walk = Files.walk(path)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
