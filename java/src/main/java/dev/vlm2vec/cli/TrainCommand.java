package dev.vlm2vec.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.vlm2vec.EmbedderOptions;
import dev.vlm2vec.data.TrainRow;
import dev.vlm2vec.eval.DatasetScore;
import dev.vlm2vec.eval.MmebDataset;
import dev.vlm2vec.eval.MmebRegistry;
import dev.vlm2vec.eval.MmebSummary;
import dev.vlm2vec.eval.RankingScope;
import dev.vlm2vec.ffi.ModelDType;
import dev.vlm2vec.ffi.NativeModel;
import dev.vlm2vec.ffi.NativeTrainer;
import dev.vlm2vec.ffi.TinyModels;
import dev.vlm2vec.ffi.TrainOptions;
import dev.vlm2vec.processing.InputEncoder;
import dev.vlm2vec.train.TrainingRun;
import dev.vlm2vec.train.TrainingSet;
import dev.vlm2vec.Vlm2Vec;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.jspecify.annotations.NullMarked;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code vlm2vec train}: contrastive training (InfoNCE with in-batch and hard negatives,
 * GradCache, LoRA/DoRA) on MMEB-train-style data. With no arguments it trains a tiny random
 * model on the synthetic MMEB-mini for a few minutes and prints an eval table, before vs after.
 */
@NullMarked
@Command(name = "train", mixinStandardHelpOptions = true,
        description = {"Train an embedding model: InfoNCE over in-batch (and hard) negatives, GradCache, LoRA/DoRA.",
            "With no arguments: a tiny random Phi-3.5-V on the synthetic MMEB-mini, then an eval table (before/after)."})
final class TrainCommand implements Callable<Integer> {

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Option(names = "--config", paramLabel = "FILE",
            description = "JSON or YAML object of settings named like the flags (lr: 1e-4, dora: true, ...); flags win.")
    private @Nullable Path config;

    @Option(names = "--model", paramLabel = "DIR", description = "Base model directory; default: a tiny random Phi-3.5-V in OUTPUT/base-model.")
    private @Nullable Path model;

    @Option(names = "--data", paramLabel = "DIR_OR_FILE", description = "MMEB-train data (per dataset .parquet, .jsonl or directory); default: MMEB-mini train split.")
    private @Nullable Path data;

    @Option(names = "--image-root", paramLabel = "DIR", description = "Where image paths resolve; default: the data directory.")
    private @Nullable Path imageRoot;

    @Option(names = "--datasets", split = ",", description = "Only these datasets.")
    private List<String> datasets = new ArrayList<>();

    @Option(names = "--max-per-dataset", description = "Cap on pairs per dataset (0: no cap). Default: ${DEFAULT-VALUE}.")
    private int maxPerDataset = 0;

    @Option(names = "--homogeneous", description = "Draw each batch from one dataset instead of mixing them.")
    private boolean homogeneous;

    @Option(names = "--hard-negatives", description = "Add the rows' negatives as extra targets.")
    private boolean hardNegatives;

    @Option(names = "--skip-missing", description = "Skip (and count) pairs whose image is missing instead of failing.")
    private boolean skipMissing;

    @Option(names = "--output", paramLabel = "DIR", description = "Checkpoints, metrics.jsonl, eval results. Default: ${DEFAULT-VALUE}.")
    private Path output = Path.of("vlm2vec-train");

    @Option(names = "--steps", description = "Optimizer steps. Default: ${DEFAULT-VALUE}.")
    private long steps = 150;

    @Option(names = "--batch-size", description = "Query-target pairs per step. Default: ${DEFAULT-VALUE}.")
    private int batchSize = 32;

    @Option(names = "--gc-chunk", description = "GradCache sub-batch (0: no GradCache). Default: ${DEFAULT-VALUE}.")
    private int gcChunk = 8;

    @Option(names = "--lr", description = "Peak learning rate. Default: ${DEFAULT-VALUE}.")
    private double lr = 2e-3;

    @Option(names = "--warmup", description = "Linear warm-up steps. Default: ${DEFAULT-VALUE}.")
    private long warmup = 10;

    @Option(names = "--weight-decay", description = "AdamW weight decay. Default: ${DEFAULT-VALUE}.")
    private double weightDecay = 0.0;

    @Option(names = "--max-grad-norm", description = "Global-norm clipping (0: off). Default: ${DEFAULT-VALUE}.")
    private double maxGradNorm = 1.0;

    @Option(names = "--temperature", description = "InfoNCE temperature. Default: ${DEFAULT-VALUE}.")
    private double temperature = 0.05;

    @Option(names = "--lora-r", description = "LoRA rank. Default: ${DEFAULT-VALUE}.")
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

    @Option(names = "--max-len", description = "Longest token sequence (0: no limit). Default: ${DEFAULT-VALUE}.")
    private int maxLen = 256;

    @Option(names = "--num-crops", description = "Phi-3.5-V HD crops per image (0: preprocessor_config.json's). Default: ${DEFAULT-VALUE}.")
    private int numCrops = 0;

    @Option(names = "--device", description = "cpu, cuda, cuda:N. Default: ${DEFAULT-VALUE}.")
    private String device = "cpu";

    @Option(names = "--dtype", description = "fp32 or bf16 base weights (adapters stay fp32). Default: ${DEFAULT-VALUE}.")
    private String dtype = "fp32";

    @Option(names = "--seed", description = "Seed of initialisation, dropout and data order. Default: ${DEFAULT-VALUE}.")
    private long seed = 42;

    @Option(names = "--resume", description = "Continue from the newest OUTPUT/checkpoint-N.")
    private boolean resume;

    @Option(names = "--save-every", description = "Checkpoint every N steps (0: only at the end). Default: ${DEFAULT-VALUE}.")
    private long saveEvery = 0;

    @Option(names = "--eval-every", description = "Evaluate a checkpoint every N steps (0: only at the end). Default: ${DEFAULT-VALUE}.")
    private long evalEvery = 0;

    @Option(names = "--eval-data", paramLabel = "DIR_OR_FILE", description = "Eval set; default: MMEB-mini eval split when training on MMEB-mini, else none.")
    private @Nullable Path evalData;

    @Option(names = "--no-eval", description = "Skip the evaluation at the end.")
    private boolean noEval;

    @CommandLine.Mixin
    private ImageFlags imageFlags = new ImageFlags();

    @Override
    public Integer call() throws IOException {
        if (config != null) {
            return rerunWithConfig(config);
        }
        PrintWriter err = spec.commandLine().getErr();
        PrintWriter out = spec.commandLine().getOut();
        Files.createDirectories(output);
        boolean synthetic = data == null;
        Path trainData = synthetic ? MmebMini.trainSplit(err) : data;
        Path root = imageRoot != null ? imageRoot : DatasetFiles.defaultImageRoot(trainData);
        Path base = model != null ? model : tinyModel(err);
        Path eval = evalData != null ? evalData : synthetic ? MmebMini.evalSplit(err) : null;

        MmebRegistry registry = MmebRegistry.load();
        Map<String, List<TrainRow>> rows = new LinkedHashMap<>();
        for (Map.Entry<MmebDataset, Path> entry : DatasetFiles.find(registry, trainData, datasets).entrySet()) {
            rows.put(entry.getKey().name(), DatasetFiles.readTrain(entry.getValue()));
        }
        TrainingSet set = TrainingSet.mix(rows, maxPerDataset, batchSize, homogeneous, seed, root, skipMissing);
        err.printf("training on %d pairs from %d dataset(s)%s; %d steps of %d pairs, GradCache chunk %d%n", set.size(),
                rows.size(), set.skipped() > 0 ? " (" + set.skipped() + " skipped for missing images)" : "", steps,
                batchSize, gcChunk);

        EmbedderOptions embedderOptions = embedderOptions();
        TrainOptions options = new TrainOptions(lr, weightDecay, maxGradNorm, temperature, loraR, loraAlpha, loraDropout,
                dora, full, gcChunk > 0, warmup, steps, seed, targets);
        Path last;
        try (NativeModel nativeModel = NativeModel.load(base, device, ModelDType.parse(dtype));
                InputEncoder encoder = Vlm2Vec.inputEncoder(base, nativeModel, embedderOptions, numCrops);
                NativeTrainer trainer = NativeTrainer.create(nativeModel, options)) {
            long first = 0;
            if (resume) {
                Optional<Path> checkpoint = TrainingRun.latestCheckpoint(output);
                if (checkpoint.isPresent()) {
                    trainer.resume(checkpoint.get());
                    first = TrainingRun.stepOf(checkpoint.get());
                    err.println("resumed from " + checkpoint.get() + " at step " + first);
                } else {
                    err.println("--resume: no checkpoint in " + output + "; starting at step 0");
                }
            }
            TrainingRun run = new TrainingRun(trainer, encoder, set, new TrainingRun.Settings(steps, batchSize, gcChunk,
                    hardNegatives, saveEvery, evalEvery, output, root, embedderOptions.images(), base.toAbsolutePath().toString()));
            // Ctrl-C (or SIGTERM): finish the step in progress, save, and only then let the JVM exit.
            Thread hook = new Thread(() -> {
                run.stop();
                try {
                    run.awaitFinished(Duration.ofMinutes(10));
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
                    public void evaluate(long step, Path checkpoint) {
                        if (eval != null) {
                            evaluateQuietly(full ? checkpoint.resolve("model") : base, full ? null : checkpoint, eval,
                                    output.resolve("eval-step-" + step), err);
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
            MmebSummary before = evaluate(base, null, eval, output.resolve("eval-before"), err);
            // Adapters apply to the base model; a full fine-tune's checkpoint holds the whole model.
            MmebSummary after = full ? evaluate(last.resolve("model"), null, eval, output.resolve("eval-after"), err)
                    : evaluate(base, last, eval, output.resolve("eval-after"), err);
            printTable(before, after, out);
        }
        return 0;
    }

    /** Device, dtype and token limit of this run, for training's input pipeline and for its evaluations. */
    private EmbedderOptions embedderOptions() {
        return imageFlags.applyTo(EmbedderOptions.defaults().withDevice(device).withDtype(ModelDType.parse(dtype))
                .withMaxLength(maxLen).withBatching(16, Duration.ofMillis(2), 64));
    }

    private Path tinyModel(PrintWriter err) {
        Path directory = output.resolve("base-model");
        if (!Files.isRegularFile(directory.resolve("config.json"))) {
            err.println("no --model: writing a tiny random Phi-3.5-V into " + directory);
            TinyModels.write("phi3_v", directory, seed, 0);
        }
        return directory;
    }

    private MmebSummary evaluate(Path base, @Nullable Path adapter, Path eval, Path into, PrintWriter err)
            throws IOException {
        return EvalCommand.evaluate(base, adapter, eval, null, datasets, into, embedderOptions(), 16, skipMissing,
                RankingScope.CANDIDATES, err);
    }

    private void evaluateQuietly(Path base, @Nullable Path adapter, Path eval, Path into, PrintWriter err) {
        try {
            MmebSummary summary = evaluate(base, adapter, eval, into, err);
            err.printf("eval at %s: overall Precision@1 %.1f%%%n", into.getFileName(), 100 * summary.overall().orElse(0));
        } catch (IOException e) {
            err.println("eval at " + into.getFileName() + " failed: " + e.getMessage());
        }
    }

    static void printTable(MmebSummary before, MmebSummary after, PrintWriter out) {
        out.println("| dataset | before P@1 | after P@1 |");
        out.println("|---|---:|---:|");
        Map<String, Double> beforeByName = new LinkedHashMap<>();
        for (DatasetScore s : before.datasets()) {
            beforeByName.put(s.dataset().name(), s.acc());
        }
        for (DatasetScore s : after.datasets()) {
            out.printf("| %s | %.1f | %.1f |%n", s.dataset().name(), 100 * beforeByName.getOrDefault(s.dataset().name(), 0.0),
                    100 * s.acc());
        }
        out.printf("| overall | %.1f | %.1f |%n", 100 * before.overall().orElse(0), 100 * after.overall().orElse(0));
        out.flush();
    }

    /** Runs train again with the config file's settings in front of the command line's (which win). */
    private int rerunWithConfig(Path file) throws IOException {
        ObjectMapper mapper = file.toString().endsWith(".json") ? new ObjectMapper() : new ObjectMapper(new YAMLFactory());
        JsonNode settings = mapper.readTree(file.toFile());
        if (settings == null || !settings.isObject()) {
            throw new IllegalArgumentException("--config " + file + " must hold an object of settings");
        }
        List<String> args = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = settings.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> entry = it.next();
            String flag = "--" + entry.getKey();
            CommandLine.Model.OptionSpec option = spec.findOption(flag);
            if (option == null || flag.equals("--config")) {
                throw new IllegalArgumentException("--config " + file + ": unknown setting '" + entry.getKey() + "'");
            }
            JsonNode value = entry.getValue();
            if (option.arity().max() == 0) {
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
