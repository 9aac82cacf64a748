package dev.vlm2vec.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.vlm2vec.EmbedderOptions;
import dev.vlm2vec.Vlm2Vec;
import dev.vlm2vec.data.TrainRow;
import dev.vlm2vec.eval.DatasetScore;
import dev.vlm2vec.eval.EvalRun;
import dev.vlm2vec.eval.HtmlReport;
import dev.vlm2vec.eval.MmebDataset;
import dev.vlm2vec.eval.MmebRegistry;
import dev.vlm2vec.eval.MmebSummary;
import dev.vlm2vec.eval.RankingScope;
import dev.vlm2vec.ffi.ModelDType;
import dev.vlm2vec.ffi.NativeModel;
import dev.vlm2vec.ffi.NativeProcessGroup;
import dev.vlm2vec.ffi.NativeTrainer;
import dev.vlm2vec.backbones.Backbone;
import dev.vlm2vec.backbones.Backbones;
import dev.vlm2vec.backbones.CheckpointFiles;
import dev.vlm2vec.backbones.TrainRecipe;
import dev.vlm2vec.ffi.TinyModels;
import dev.vlm2vec.ffi.TrainOptions;
import dev.vlm2vec.io.AtomicFiles;
import dev.vlm2vec.io.FileTrees;
import dev.vlm2vec.io.WriteErrors;
import dev.vlm2vec.processing.InputEncoder;
import dev.vlm2vec.train.CheckpointSettings;
import dev.vlm2vec.train.TrainingRun;
import dev.vlm2vec.train.TrainingSet;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.jspecify.annotations.NullMarked;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code vlm2vec train}: contrastive training (InfoNCE with in-batch and hard negatives,
 * GradCache, LoRA/DoRA) on MMEB-train-style data, MMEB's or the user's own. With no arguments it
 * trains a tiny random model on the synthetic MMEB-mini for a few minutes and prints an eval
 * table, before vs after.
 */
@NullMarked
@Command(name = "train", mixinStandardHelpOptions = true,
        description = {"Train an embedding model: InfoNCE over in-batch (and hard) negatives, GradCache, LoRA/DoRA.",
            "Data: per dataset a NAME.jsonl / NAME.parquet / NAME/ folder with qry, qry_image_path, pos_text,"
                    + " pos_image_path[, neg_text, neg_image_path].",
            "With neither --model nor --data: a tiny random Phi-3.5-V on the synthetic MMEB-mini, then an eval table"
                    + " (before/after). The defaults suit that demo; for a real checkpoint use the paper's (e.g. --lr 2e-5"
                    + " --temperature 0.02, see docs/training.md)."})
final class TrainCommand implements Callable<Integer> {

    /** Keys of train_config.json that describe the run rather than set a flag. */
    private static final String DEMO_KEY = "demo", VERSION_KEY = "vlm2vec_version";

    /** The flags of an adapter, which a full fine-tune has none of. */
    private static final List<String> ADAPTER_FLAGS = List.of("--lora-r", "--lora-alpha", "--lora-dropout", "--dora", "--targets");

    /** What train writes into its output folder; --overwrite removes these and nothing else. */
    private static final List<String> RUN_FILES = List.of("metrics.jsonl", "train_config.json", "report.html",
            "eval-comparison.md", "base-model");

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Option(names = "--config", paramLabel = "FILE",
            description = "JSON or YAML object of settings named like the flags (lr: 1e-4, dora: true, ...); flags win.")
    private @Nullable Path config;

    @CommandLine.Mixin
    private ModelFlags modelFlags = new ModelFlags(256);

    @CommandLine.Mixin
    private DataFlags dataFlags = new DataFlags();

    @CommandLine.Mixin
    private DistributedFlags distributed = new DistributedFlags();

    @Option(names = "--max-per-dataset", paramLabel = "N", description = "Cap on pairs per dataset (0: no cap). Default: ${DEFAULT-VALUE}.")
    private int maxPerDataset = 0;

    @Option(names = "--homogeneous", description = "Draw each batch from one dataset instead of mixing them.")
    private boolean homogeneous;

    @Option(names = "--hard-negatives", description = "Add the rows' negatives as extra targets.")
    private boolean hardNegatives;

    @Option(names = "--output", paramLabel = "DIR", description = "Checkpoints, metrics.jsonl, eval results. Default: ${DEFAULT-VALUE}.")
    private Path output = Path.of("vlm2vec-train");

    @Option(names = "--overwrite", description = "Replace the run already in --output (its checkpoints, metrics, evals).")
    private boolean overwrite;

    @Option(names = "--steps", paramLabel = "N", description = "Optimizer steps. Default: ${DEFAULT-VALUE}.")
    private long steps = 150;

    @Option(names = "--batch-size", paramLabel = "N", description = "Query-target pairs per step. Default: ${DEFAULT-VALUE}.")
    private int batchSize = 32;

    @Option(names = "--gc-chunk", paramLabel = "N", description = "GradCache sub-batch (0: no GradCache). Default: ${DEFAULT-VALUE}.")
    private int gcChunk = 8;

    @Option(names = "--lr", description = "Peak learning rate. Default: ${DEFAULT-VALUE}.")
    private double lr = 2e-3;

    @Option(names = "--warmup", paramLabel = "STEPS", description = "Linear warm-up steps. Default: ${DEFAULT-VALUE}.")
    private long warmup = 10;

    @Option(names = "--weight-decay", description = "AdamW weight decay. Default: ${DEFAULT-VALUE}.")
    private double weightDecay = 0.0;

    @Option(names = "--max-grad-norm", description = "Global-norm clipping (0: off). Default: ${DEFAULT-VALUE}.")
    private double maxGradNorm = 1.0;

    @Option(names = "--temperature", description = "InfoNCE temperature. Default: ${DEFAULT-VALUE}.")
    private double temperature = 0.05;

    @Option(names = "--lora-r", paramLabel = "R", description = "LoRA rank. Default: ${DEFAULT-VALUE}.")
    private int loraR = 8;

    @Option(names = "--lora-alpha", description = "LoRA alpha (scale alpha / r). Default: ${DEFAULT-VALUE}.")
    private double loraAlpha = 16;

    @Option(names = "--lora-dropout", description = "Dropout on the adapter path. Default: ${DEFAULT-VALUE}.")
    private double loraDropout = 0.05;

    @Option(names = "--dora", description = "DoRA (magnitude vector) instead of plain LoRA.")
    private boolean dora;

    @Option(names = "--full", description = "Full fine-tuning instead of adapters (fp32); checkpoints hold the whole model.")
    private boolean full;

    @Option(names = "--targets", split = ",", description = "Module name suffixes to adapt; default: the architecture's.")
    private List<String> targets = new ArrayList<>();

    @Option(names = "--num-crops", paramLabel = "N", description = "Phi-3.5-V HD crops per image (0: preprocessor_config.json's). Default: ${DEFAULT-VALUE}.")
    private int numCrops = 0;

    @Option(names = "--recipe", paramLabel = "demo|vlm2vec", description = "Defaults for the flags not given: demo (this"
            + " command's, tuned for the tiny demo) or vlm2vec (the settings the backbone's published VLM2Vec checkpoints were"
            + " trained with). Default: ${DEFAULT-VALUE}.")
    private String recipe = "demo";

    @Option(names = "--arch", paramLabel = "NAME", description = "The demo's tiny backbone: phi3v, llava-next or qwen2vl"
            + " (with --model, its config.json says; this is not read). Default: ${DEFAULT-VALUE}.")
    private String arch = "phi3v";

    @Option(names = "--seed", description = "Seed of initialisation, dropout and data order. Default: ${DEFAULT-VALUE}.")
    private long seed = 42;

    @Option(names = "--resume", description = "Continue from the newest OUTPUT/checkpoint-N; the adapter settings come from it.")
    private boolean resume;

    @Option(names = "--save-every", paramLabel = "STEPS", description = "Checkpoint every N steps (0: only at the end). Default: ${DEFAULT-VALUE}.")
    private long saveEvery = 0;

    @Option(names = "--save-total-limit", paramLabel = "N", description = "Keep only the newest N checkpoints (0: all). Default: ${DEFAULT-VALUE}.")
    private int saveTotalLimit = 0;

    @Option(names = "--eval-every", paramLabel = "STEPS", description = "Evaluate a checkpoint every N steps (0: only at the end). Default: ${DEFAULT-VALUE}.")
    private long evalEvery = 0;

    @Option(names = "--eval-data", paramLabel = "DIR_OR_FILE", description = "Eval set; default: MMEB-mini eval split when training on MMEB-mini, else none.")
    private @Nullable Path evalData;

    @Option(names = "--no-eval", description = "Skip the evaluation at the end.")
    private boolean noEval;

    @Override
    public Integer call() throws IOException {
        if (config != null) {
            return rerunWithConfig(config);
        }
        if (distributed.launches(System.getenv())) {
            return distributed.launch(spec);
        }
        long started = System.nanoTime();
        Optional<dev.vlm2vec.distributed.WorkerEnvironment> worker = distributed.worker(System.getenv());
        worker.ifPresent(w -> modelFlags.device = DistributedFlags.device(modelFlags.device, w));
        try (NativeProcessGroup group = worker.map(w -> distributed.join(w, modelFlags.device, "train")).orElse(null)) {
            return train(started, group);
        }
    }

    // One process's part of the run: all of it, or with a group (data-parallel) this rank's.
    private int train(long started, @Nullable NativeProcessGroup group) throws IOException {
        boolean rankZero = group == null || group.isRankZero();
        PrintWriter err = DistributedFlags.quietUnlessRankZero(spec.commandLine().getErr(), group);
        PrintWriter out = DistributedFlags.quietUnlessRankZero(spec.commandLine().getOut(), group);
        int world = group == null ? 1 : group.worldSize();
        boolean demo = isDemo();
        if (modelFlags.model == null && dataFlags.data != null) {
            throw new IllegalArgumentException("--data needs --model DIR (the base model to train); only the demo (neither"
                    + " flag) trains a tiny random model");
        }
        applyRecipe(err);
        checkFlags();
        // The periodic and final evals compute in the dtype the model trains in.
        EmbedderOptions embedderOptions = modelFlags.embedderOptions(16).withDtype(modelFlags.trainingDtype());
        Path trainData = demo ? MmebMini.trainSplit(err) : dataFlags.data;
        Path root = dataFlags.imageRoot(trainData);
        Path eval = evalData != null ? evalData : demo ? MmebMini.evalSplit(err) : null;
        MmebRegistry registry = MmebRegistry.load();
        Map<MmebDataset, Path> evalFiles = eval == null ? Map.of() : evalDatasets(registry, eval);
        Map<MmebDataset, Path> trainFiles = dataFlags.find(registry, trainData);
        List<MmebDataset> read = new ArrayList<>(trainFiles.keySet());
        read.addAll(evalFiles.keySet());
        dataFlags.checkTasksFound(read);
        // Rank 0 alone prepares the output folder (and the demo's model); the others wait for it.
        Path base = modelFlags.model != null ? modelFlags.model : output.resolve("base-model");
        if (rankZero) {
            prepareOutput(demo, err);
            if (modelFlags.model == null) {
                tinyModel(err);
            }
        }
        if (group != null) {
            group.barrier("waiting for rank 0 to prepare --output");
        }
        Optional<Path> checkpoint = resume ? TrainingRun.latestCheckpoint(output) : Optional.empty();
        if (resume && checkpoint.isEmpty()) {
            throw new IllegalArgumentException("--resume: " + output + " holds no checkpoint-N to resume from; run without"
                    + " --resume (and with --overwrite if the folder holds an unfinished run)");
        }
        if (group != null) {
            long mine = checkpoint.map(TrainingRun::stepOf).orElse(0L);
            if (group.max(mine) != mine || -group.max(-mine) != mine) {
                throw new IllegalArgumentException("--resume: the ranks see different newest checkpoints in " + output
                        + " (this rank: step " + mine + "): --output must be one folder every node shares");
            }
        }
        checkpoint.ifPresent(this::adoptCheckpointSettings);
        ObjectNode resolved = resolvedSettings(base);
        checkSameBase(resolved);
        if (rankZero) {
            AtomicFiles.write(output.resolve("train_config.json"), (new ObjectMapper().writerWithDefaultPrettyPrinter()
                    .writeValueAsString(resolved) + "\n").getBytes(StandardCharsets.UTF_8));
        }

        Map<String, List<TrainRow>> rows = new LinkedHashMap<>();
        for (Map.Entry<MmebDataset, Path> entry : trainFiles.entrySet()) {
            rows.put(entry.getKey().name(), DatasetFiles.readTrain(entry.getValue()));
        }
        // One global order for every world size: step i's batch is the same batchSize x world rows.
        TrainingSet set = TrainingSet.mix(rows, maxPerDataset, batchSize * world, homogeneous, seed,
                dev.vlm2vec.processing.ImageRoot.of(root, embedderOptions.images()), dataFlags.skipMissing);
        err.printf("training on %d pairs from %d dataset(s)%s; %d steps of %s pairs, GradCache chunk %d, lr %s,"
                        + " temperature %s, %s%n", set.size(), rows.size(),
                set.skipped() > 0 ? " (" + set.skipped() + " skipped for missing images)" : "", steps,
                world == 1 ? Integer.toString(batchSize) : batchSize * world + " (" + world + " ranks x " + batchSize + ")",
                gcChunk,
                lr, temperature, full ? "full fine-tuning" : (dora ? "DoRA" : "LoRA") + " r " + loraR + " alpha " + loraAlpha);

        TrainOptions options = new TrainOptions(lr, weightDecay, maxGradNorm, temperature, loraR, loraAlpha, loraDropout,
                dora, full, gcChunk > 0, warmup, steps, seed, targets);
        Vlm2Vec.applyThreads(embedderOptions);
        Path last;
        TrainingRun run;
        try (NativeModel nativeModel = NativeModel.load(base, modelFlags.device, modelFlags.trainingDtype());
                InputEncoder encoder = Vlm2Vec.inputEncoder(base, nativeModel, embedderOptions, numCrops);
                NativeTrainer trainer = NativeTrainer.create(nativeModel, options)) {
            long first = 0;
            if (checkpoint.isPresent()) {
                trainer.resume(checkpoint.get());
                first = TrainingRun.stepOf(checkpoint.get());
                err.println("resumed from " + checkpoint.get() + " at step " + first);
            }
            if (group != null) {
                trainer.attach(group);
            }
            run = new TrainingRun(trainer, encoder, set, new TrainingRun.Settings(steps, batchSize, gcChunk,
                    hardNegatives, saveEvery, evalEvery, saveTotalLimit, output, root, embedderOptions.images(),
                    base.toAbsolutePath().toString(), resolved), group);
            TrainingRun stoppable = run;
            // Ctrl-C (or SIGTERM): finish the step in progress, save, say where, and only then let the JVM exit.
            Thread hook = new Thread(() -> {
                stoppable.stop();
                try {
                    if (stoppable.awaitFinished(Duration.ofMinutes(10))) {
                        stoppable.lastSaved().ifPresent(saved -> {
                            err.println();
                            err.println("saved " + saved.getFileName() + " in " + output.toAbsolutePath()
                                    + "; resume with --resume");
                            err.flush();
                        });
                        // The JVM is exiting: the CLI's own error report may not get to run.
                        stoppable.failure().ifPresent(failure -> {
                            PrintWriter errors = spec.commandLine().getErr();
                            errors.println("vlm2vec train: " + failure.getMessage());
                            errors.flush();
                        });
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "vlm2vec-train-stop");
            Runtime.getRuntime().addShutdownHook(hook);
            Progress progress = new Progress(err, "train", steps);
            try {
                last = run.run(first, new TrainingRun.Listener() {
                    @Override
                    public void stepDone(dev.vlm2vec.ffi.TrainStats stats, double pairsPerSecond) {
                        progress.update(stats.step(), String.format("loss %.4f acc %.2f lr %.2e %.1f pairs/s", stats.loss(),
                                stats.accuracy(), stats.learningRate(), pairsPerSecond));
                    }

                    @Override
                    public void evaluate(long step, Path saved) {
                        if (eval != null) {
                            evaluateQuietly(full ? saved.resolve("model") : base, full ? null : saved, eval, evalFiles,
                                    output.resolve("eval-step-" + step), embedderOptions, err, group);
                        }
                    }
                });
            } finally {
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException shuttingDown) {
                    // the JVM is exiting (Ctrl-C): the hook has asked the loop to stop and save
                }
            }
        }
        out.println("checkpoint: " + last.toAbsolutePath());
        out.flush();
        if (eval != null && !noEval) {
            EvalRun before = evaluate(base, null, eval, evalFiles, output.resolve("eval-before"), embedderOptions, err, group);
            // Adapters apply to the base model; a full fine-tune's checkpoint holds the whole model.
            EvalRun after = full ? evaluate(last.resolve("model"), null, eval, evalFiles, output.resolve("eval-after"),
                    embedderOptions, err, group) : evaluate(base, last, eval, evalFiles, output.resolve("eval-after"),
                    embedderOptions, err, group);
            if (!rankZero) {
                return 0;  // rank 0 writes the comparison
            }
            String table = table(before.summary(), after.summary());
            out.print(table);
            AtomicFiles.write(output.resolve("eval-comparison.md"), table.getBytes(StandardCharsets.UTF_8));
            HtmlReport.write(List.of(new EvalRun("before", before.summary(), before.info()),
                    new EvalRun("after", after.summary(), after.info())), registry, output.resolve("report.html"));
            out.println("report: " + output.resolve("report.html").toAbsolutePath());
        }
        closingSummary(out, base, last, started);
        return 0;
    }

    /** Every numeric flag in range and no two flags in conflict, before any data is read. */
    private void checkFlags() {
        WriteErrors.checkFolder("--output", output);
        modelFlags.check();
        dataFlags.check();
        FlagChecks.atLeast("--steps", steps, 1);
        FlagChecks.atLeast("--batch-size", batchSize, 1);
        // Only the demo reads it (a --model's config.json names its architecture), but a wrong name is an error anyway.
        Backbones.forName(arch, "--arch");
        // Defaults fit any run; only a value the user gave can be out of its range.
        if (!given("--warmup")) {
            warmup = Math.min(warmup, steps);
        }
        if (!given("--gc-chunk")) {
            gcChunk = Math.min(gcChunk, batchSize);
        }
        FlagChecks.within("--gc-chunk", gcChunk, 0, batchSize);
        FlagChecks.positive("--lr", lr);
        FlagChecks.within("--warmup", warmup, 0, steps);
        FlagChecks.nonNegative("--weight-decay", weightDecay);
        FlagChecks.nonNegative("--max-grad-norm", maxGradNorm);
        FlagChecks.positive("--temperature", temperature);
        FlagChecks.atLeast("--lora-r", loraR, 1);
        FlagChecks.positive("--lora-alpha", loraAlpha);
        FlagChecks.probability("--lora-dropout", loraDropout);
        FlagChecks.within("--num-crops", numCrops, 0, 64);
        FlagChecks.atLeast("--max-per-dataset", maxPerDataset, 0);
        FlagChecks.atLeast("--save-every", saveEvery, 0);
        FlagChecks.atLeast("--save-total-limit", saveTotalLimit, 0);
        FlagChecks.atLeast("--eval-every", evalEvery, 0);
        FlagChecks.conflict(resume, "--resume", overwrite, "--overwrite", "one continues the run in --output, the other"
                + " replaces it");
        for (String adapterFlag : ADAPTER_FLAGS) {
            FlagChecks.conflict(full, "--full", given(adapterFlag), adapterFlag, "full fine-tuning trains no adapter");
        }
        FlagChecks.conflict(noEval, "--no-eval", evalEvery > 0, "--eval-every", "--no-eval turns evaluation off");
        if (evalEvery > 0 && evalData == null && dataFlags.data != null) {
            throw new IllegalArgumentException("--eval-every needs --eval-data DIR_OR_FILE (the set to evaluate on)");
        }
        if (evalData != null && !Files.exists(evalData)) {
            throw new IllegalArgumentException("--eval-data " + evalData + " does not exist");
        }
        modelFlags.checkModel();
    }

    // --recipe vlm2vec: the backbone's published settings for every flag the user left out.
    private void applyRecipe(PrintWriter err) {
        if (recipe.equals("demo")) {
            return;
        }
        if (!recipe.equals("vlm2vec")) {
            throw new IllegalArgumentException("--recipe " + recipe + " is not one of demo, vlm2vec");
        }
        Backbone backbone = modelFlags.model == null ? Backbones.forName(arch, "--arch")
                : Backbones.forModelType(CheckpointFiles.read(modelFlags.model).modelType(),
                        modelFlags.model.resolve("config.json"));
        TrainRecipe r = backbone.trainRecipe();
        if (!given("--batch-size")) {
            batchSize = r.batchSize();
        }
        if (!given("--gc-chunk")) {
            gcChunk = r.gcChunk();
        }
        if (!given("--steps")) {
            steps = r.steps();
        }
        if (!given("--lr")) {
            lr = r.learningRate();
        }
        if (!given("--warmup")) {
            warmup = r.warmup();
        }
        if (!given("--temperature")) {
            temperature = r.temperature();
        }
        if (!given("--lora-r")) {
            loraR = r.loraRank();
        }
        if (!given("--lora-alpha")) {
            loraAlpha = r.loraAlpha();
        }
        if (!given("--dora")) {
            dora = r.dora();
        }
        err.println("--recipe vlm2vec for " + backbone.modelType() + ": " + r.source() + "; flags given win");
    }

    /** Neither --model nor --data: the tiny demo on MMEB-mini. */
    private boolean isDemo() {
        return modelFlags.model == null && dataFlags.data == null;
    }

    private boolean given(String flag) {
        return spec.commandLine().getParseResult().hasMatchedOption(flag);
    }

    /**
     * A folder that holds a run is continued (--resume) or replaced (--overwrite), never mixed
     * with a new one. The demo replaces its own earlier demo run.
     */
    private void prepareOutput(boolean demo, PrintWriter err) throws IOException {
        WriteErrors.checkFolder("--output", output);
        if (!Files.exists(output)) {
            if (!resume) {
                Files.createDirectories(output);
            }
            return;
        }
        List<String> present;
        try (Stream<Path> entries = Files.list(output)) {
            present = entries.map(p -> p.getFileName().toString()).sorted().toList();
        }
        if (present.isEmpty() || resume) {
            return;
        }
        boolean replace = overwrite || (demo && wasDemo(output));
        if (!replace) {
            throw new IllegalArgumentException("--output " + output + " is not empty (" + String.join(", ",
                    present.subList(0, Math.min(5, present.size()))) + (present.size() > 5 ? ", ..." : "") + "): pass"
                    + " --resume to continue its run, --overwrite to replace it, or choose another --output");
        }
        err.println("replacing the run in " + output + (overwrite ? " (--overwrite)" : " (an earlier demo run)"));
        for (String name : present) {
            if (RUN_FILES.contains(name) || name.matches("checkpoint-\\d+(\\.partial|\\.old|\\.removing)?") || name.startsWith("eval-")) {
                FileTrees.deleteRecursively(output.resolve(name));
            }
        }
    }

    private static boolean wasDemo(Path output) {
        try {
            return new ObjectMapper().readTree(output.resolve("train_config.json").toFile()).path(DEMO_KEY).asBoolean(false);
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * --resume takes r, alpha, dropout, DoRA, targets and full from the checkpoint; a flag given
     * with another value is an error naming both.
     */
    private void adoptCheckpointSettings(Path checkpoint) {
        CheckpointSettings stored = CheckpointSettings.read(checkpoint);
        agree("--full", full, stored.full(), checkpoint);
        full = stored.full();
        if (stored.full()) {
            return;
        }
        agree("--lora-r", loraR, stored.rank(), checkpoint);
        agree("--lora-alpha", loraAlpha, stored.alpha(), checkpoint);
        agree("--lora-dropout", loraDropout, stored.dropout(), checkpoint);
        agree("--dora", dora, stored.dora(), checkpoint);
        if (given("--targets") && !new java.util.HashSet<>(targets).equals(new java.util.HashSet<>(stored.targets()))) {
            throw new IllegalArgumentException("--targets " + String.join(",", targets) + " disagrees with " + checkpoint
                    + ", which adapts " + String.join(",", stored.targets()) + "; leave --targets out to resume");
        }
        loraR = stored.rank();
        loraAlpha = stored.alpha();
        loraDropout = stored.dropout();
        dora = stored.dora();
        targets = new ArrayList<>(stored.targets());
    }

    private void agree(String flag, Object given, Object stored, Path checkpoint) {
        if (given(flag) && !given.equals(stored)) {
            throw new IllegalArgumentException(flag + " " + given + " disagrees with " + checkpoint + ", trained with "
                    + flag + " " + stored + "; leave the flag out to resume (the checkpoint's value is used)");
        }
    }

    // The base model of a resumed run must be the one its adapter was trained on.
    private void checkSameBase(ObjectNode resolved) {
        if (!resume) {
            return;
        }
        try {
            JsonNode previous = new ObjectMapper().readTree(output.resolve("train_config.json").toFile());
            String before = previous.path("model").asText(""), now = resolved.path("model").asText();
            if (!before.isEmpty() && !before.equals(now)) {
                throw new IllegalArgumentException("--resume: the run in " + output + " trained " + before
                        + ", not --model " + now);
            }
        } catch (IOException e) {
            // an older run without train_config.json: nothing to compare
        }
    }

    /**
     * Every setting of this run by flag name, typed as JSON (what train_config.json and
     * trainer_state.json record); a train_config.json is itself a valid {@code --config}.
     */
    private ObjectNode resolvedSettings(Path base) {
        ObjectMapper json = new ObjectMapper();
        ObjectNode node = json.createObjectNode();
        node.put("model", base.toAbsolutePath().normalize().toString());
        node.put(DEMO_KEY, isDemo());
        node.put(VERSION_KEY, dev.vlm2vec.ProjectVersion.get());
        // Options are bound to this command's fields, so values changed since parsing (defaults
        // fitted to the run, adapter settings taken from a checkpoint) are what is recorded.
        for (CommandLine.Model.OptionSpec option : spec.options()) {
            String name = option.longestName().replaceFirst("^--", "");
            if (option.hidden() || option.usageHelp() || option.versionHelp() || name.equals("config") || name.equals("model")
                    || (full && ADAPTER_FLAGS.contains("--" + name))) {
                continue;
            }
            Object value = option.getValue();
            node.set(name, value == null ? json.nullNode() : value instanceof Path path ? json.getNodeFactory()
                    .textNode(path.toString()) : json.valueToTree(value));
        }
        return node;
    }

    // The eval set's datasets: those of --datasets it holds (all when it holds none of them).
    private Map<MmebDataset, Path> evalDatasets(MmebRegistry registry, Path eval) throws IOException {
        Map<MmebDataset, Path> all = DatasetFiles.find(registry, eval, List.of(), dataFlags.tasks);
        Map<MmebDataset, Path> chosen = new LinkedHashMap<>(all);
        chosen.keySet().removeIf(d -> !dataFlags.datasets.contains(d.name()));
        return chosen.isEmpty() ? all : chosen;
    }

    private Path tinyModel(PrintWriter err) {
        Path directory = output.resolve("base-model");
        if (!Files.isRegularFile(directory.resolve("config.json"))) {
            String modelType = Backbones.forName(arch, "--arch").modelType();
            err.println("no --model: writing a tiny random " + modelType + " into " + directory);
            TinyModels.write(modelType, directory, seed, 0);
        }
        return directory;
    }

    private EvalRun evaluate(Path base, @Nullable Path adapter, Path eval, Map<MmebDataset, Path> files, Path into,
            EmbedderOptions options, PrintWriter err, @Nullable NativeProcessGroup group) throws IOException {
        // Eval images resolve against the eval set's own folder; --image-root is the training data's.
        return EvalCommand.evaluate(base, adapter, eval, files, DatasetFiles.defaultImageRoot(eval), into, options, 16,
                dataFlags.skipMissing, RankingScope.CANDIDATES, err, group);
    }

    private void evaluateQuietly(Path base, @Nullable Path adapter, Path eval, Map<MmebDataset, Path> files, Path into,
            EmbedderOptions options, PrintWriter err, @Nullable NativeProcessGroup group) {
        try {
            EvalRun run = evaluate(base, adapter, eval, files, into, options, err, group);
            err.printf("eval at %s: overall Precision@1 %.1f%%%n", into.getFileName(), 100 * run.summary().overall().orElse(0));
        } catch (IOException | RuntimeException e) {
            err.println("eval at " + into.getFileName() + " failed: " + e.getMessage());
        }
    }

    static String table(MmebSummary before, MmebSummary after) {
        StringBuilder table = new StringBuilder("| dataset | before P@1 | after P@1 |\n|---|---:|---:|\n");
        Map<String, Double> beforeByName = new LinkedHashMap<>();
        for (DatasetScore s : before.datasets()) {
            beforeByName.put(s.dataset().name(), s.acc());
        }
        for (DatasetScore s : after.datasets()) {
            table.append(String.format(Locale.ROOT, "| %s | %.1f | %.1f |%n", s.dataset().name(),
                    100 * beforeByName.getOrDefault(s.dataset().name(), 0.0), 100 * s.acc()));
        }
        table.append(String.format(Locale.ROOT, "| overall | %.1f | %.1f |%n", 100 * before.overall().orElse(0),
                100 * after.overall().orElse(0)));
        return table.toString();
    }

    private void closingSummary(PrintWriter out, Path base, Path last, long started) {
        long seconds = Math.round((System.nanoTime() - started) / 1e9);
        out.printf("done in %dm%02ds; %s: %s%n", seconds / 60, seconds % 60, full ? "model" : "adapter",
                (full ? last.resolve("model") : last).toAbsolutePath());
        if (full) {
            out.println("next: vlm2vec eval --model " + last.resolve("model").toAbsolutePath());
        } else {
            out.println("next: vlm2vec eval --model " + base.toAbsolutePath() + " --adapter " + last.toAbsolutePath());
            out.println("  or: vlm2vec merge --model " + base.toAbsolutePath() + " --adapter " + last.toAbsolutePath()
                    + " --output merged-model");
        }
        out.flush();
    }

    /** Runs train again with the config file's settings in front of the command line's (which win). */
    private int rerunWithConfig(Path file) throws IOException {
        boolean isJson = file.toString().endsWith(".json");
        ObjectMapper mapper = isJson ? new ObjectMapper() : new ObjectMapper(new YAMLFactory());
        JsonNode settings;
        try {
            settings = mapper.readTree(file.toFile());
        } catch (java.io.FileNotFoundException | java.nio.file.NoSuchFileException e) {
            throw new IllegalArgumentException("--config " + file + " does not exist");
        } catch (IOException e) {
            throw new IllegalArgumentException("--config " + file + " is not valid " + (isJson ? "JSON" : "YAML") + ": "
                    + e.getMessage().lines().findFirst().orElse(""), e);
        }
        if (settings == null || !settings.isObject()) {
            throw new IllegalArgumentException("--config " + file + " must hold an object of settings");
        }
        List<String> args = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = settings.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> entry = it.next();
            String key = entry.getKey();
            String flag = "--" + key;
            JsonNode value = entry.getValue();
            // A train_config.json: its run facts are not flags, and null / empty mean the default.
            if (key.equals(DEMO_KEY) || key.equals(VERSION_KEY) || value.isNull()
                    || (value.isContainerNode() && value.isEmpty())) {
                continue;
            }
            CommandLine.Model.OptionSpec option = spec.findOption(flag);
            if (option == null || flag.equals("--config")) {
                String dashed = "--" + key.replace('_', '-');
                String hint = !dashed.equals(flag) && spec.findOption(dashed) != null
                        ? "; settings are named like the flags: did you mean '" + dashed.substring(2) + "'?" : "; see train --help";
                throw new IllegalArgumentException("--config " + file + ": unknown setting '" + key + "'" + hint);
            }
            if (value.isObject()) {
                if (!option.typeInfo().isMap()) {
                    throw new IllegalArgumentException("--config " + file + ": setting '" + key + "' must be a value or a"
                            + " list, not an object");
                }
                value.fields().forEachRemaining(e -> {
                    args.add(flag);
                    args.add(e.getKey() + "=" + e.getValue().asText());
                });
            } else if (option.arity().max() == 0) {
                if (!value.isBoolean()) {
                    throw new IllegalArgumentException("--config " + file + ": setting '" + key + "' is a switch: true or"
                            + " false, not " + value);
                }
                if (value.asBoolean()) {
                    args.add(flag);
                }
            } else if (value.isArray()) {
                List<String> items = new ArrayList<>();
                value.forEach(v -> items.add(v.asText()));
                args.add(flag);
                args.add(String.join(",", items));
            } else {
                args.add(flag);
                args.add(value.asText());
            }
        }
        // The parse result holds the whole command line; keep what follows this subcommand's name.
        List<String> all = spec.commandLine().getParseResult().originalArgs();
        List<String> original = new ArrayList<>(all.subList(all.indexOf(spec.name()) + 1, all.size()));
        for (int i = 0; i < original.size(); i++) {
            if (original.get(i).equals("--config")) {
                original.subList(i, i + 2).clear();
                break;
            } else if (original.get(i).startsWith("--config=")) {
                original.remove(i);
                break;
            }
        }
        args.addAll(original);
        CommandLine rerun = new CommandLine(new TrainCommand());
        rerun.setOverwrittenOptionsAllowed(true);
        rerun.setOut(spec.commandLine().getOut());
        rerun.setErr(spec.commandLine().getErr());
        rerun.setExecutionExceptionHandler(spec.commandLine().getExecutionExceptionHandler());
        return rerun.execute(args.toArray(String[]::new));
    }
}
