package dev.vlm2vec.cli;

import dev.vlm2vec.Embedder;
import dev.vlm2vec.EmbedderOptions;
import dev.vlm2vec.ProjectVersion;
import dev.vlm2vec.Vlm2Vec;
import dev.vlm2vec.data.EvalRow;
import dev.vlm2vec.eval.DatasetScore;
import dev.vlm2vec.eval.EvalRun;
import dev.vlm2vec.eval.HtmlReport;
import dev.vlm2vec.eval.MmebDataset;
import dev.vlm2vec.eval.MmebEvaluator;
import dev.vlm2vec.eval.MmebRegistry;
import dev.vlm2vec.eval.MmebSummary;
import dev.vlm2vec.eval.RankingScope;
import dev.vlm2vec.eval.RunInfo;
import dev.vlm2vec.eval.SummaryWriter;
import dev.vlm2vec.distributed.WorkerEnvironment;
import dev.vlm2vec.ffi.NativeProcessGroup;
import dev.vlm2vec.io.WriteErrors;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
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

/** {@code vlm2vec eval}: Precision@1 per dataset, meta-task, IND / OOD and overall, on MMEB or your own data. */
@NullMarked
@Command(name = "eval", mixinStandardHelpOptions = true,
        description = "Evaluate a model on MMEB-eval-style data: per dataset a NAME.jsonl, a NAME.parquet or a NAME/"
                + " folder of parquet files (HF layout), with the columns qry_text, qry_img_path, tgt_text[], tgt_img_path[];"
                + " MMEB's names or your own.")
final class EvalCommand implements Callable<Integer> {

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @CommandLine.Mixin
    private ModelFlags modelFlags = new ModelFlags();

    @CommandLine.Mixin
    private DataFlags dataFlags = new DataFlags();

    @CommandLine.Mixin
    private DistributedFlags distributed = new DistributedFlags();

    @Option(names = "--adapter", paramLabel = "DIR",
            description = "A PEFT LoRA/DoRA adapter directory (from `train` or PEFT), merged into the model at load.")
    private @Nullable Path adapter;

    @Option(names = "--output", paramLabel = "DIR",
            description = "Output folder; default: mmeb-results/MODEL (MODEL+ADAPTER with --adapter), one per model.")
    private @Nullable Path output;

    @Option(names = "--batch-size", paramLabel = "N", description = "Inputs per model call. Default: ${DEFAULT-VALUE}.")
    private int batchSize = 16;

    @Option(names = "--global", description = "Rank each positive against every candidate of its dataset "
            + "(corpus-wide retrieval) instead of the query's own candidate list (MMEB's protocol).")
    private boolean global;

    @Override
    public Integer call() throws IOException {
        if (distributed.launches(System.getenv())) {
            return distributed.launch(spec);
        }
        Optional<WorkerEnvironment> worker = distributed.worker(System.getenv());
        worker.ifPresent(w -> modelFlags.device = DistributedFlags.device(modelFlags.device, w));
        Path model = modelFlags.requireModel();
        FlagChecks.atLeast("--batch-size", batchSize, 1);
        EmbedderOptions options = modelFlags.embedderOptions(batchSize);
        dataFlags.check();
        if (adapter != null && !Files.isDirectory(adapter)) {
            throw new IllegalArgumentException("--adapter " + adapter + " is not a folder");
        }
        Path into = output != null ? output : defaultOutput(model, adapter);
        WriteErrors.checkFolder("--output", into);
        try (NativeProcessGroup group = worker.map(w -> distributed.join(w, modelFlags.device, "eval")).orElse(null)) {
            PrintWriter err = DistributedFlags.quietUnlessRankZero(spec.commandLine().getErr(), group);
            if (group != null && !group.isRankZero()) {
                // Rank 0 writes MMEB-mini if it is missing; the others read it after.
                group.barrier("waiting for rank 0 to find the data");
            }
            Path data = dataFlags.data != null ? dataFlags.data : MmebMini.evalSplit(err);
            if (group != null && group.isRankZero()) {
                group.barrier("waiting for rank 0 to find the data");
            }
            Map<MmebDataset, Path> files = dataFlags.find(MmebRegistry.load(), data);
            dataFlags.checkTasksFound(files.keySet());
            EvalRun run = evaluate(model, adapter, data, files, dataFlags.imageRoot(data), into, options, batchSize,
                    dataFlags.skipMissing, global ? RankingScope.GLOBAL : RankingScope.CANDIDATES, err, group);
            if (group == null || group.isRankZero()) {
                report(run, into);
            }
        }
        return 0;
    }

    private void report(EvalRun run, Path into) {
        spec.commandLine().getOut().printf("overall Precision@1 %.1f%% over %d dataset(s); report: %s%n",
                100 * run.summary().overall().orElse(0), run.summary().datasets().size(),
                into.resolve("report.html").toAbsolutePath());
        spec.commandLine().getOut().flush();
    }

    /** {@code mmeb-results/MODEL[+ADAPTER]}: results of different models never overwrite each other. */
    static Path defaultOutput(Path model, @Nullable Path adapter) {
        return Path.of("mmeb-results", RunInfo.displayName(model, adapter).replace('/', '-'));
    }

    /**
     * Evaluates a model (with an optional adapter) on {@code files} (from {@link DataFlags#find}),
     * writing every output into {@code output}, with progress on {@code err}. Shared with {@code train}.
     * With a group every rank embeds its shard of each dataset's queries and candidates, and rank 0
     * alone writes the results (the same as one process's).
     */
    static EvalRun evaluate(Path model, @Nullable Path adapter, Path data, Map<MmebDataset, Path> files, Path imageRoot,
            Path output, EmbedderOptions options, int batchSize, boolean skipMissing, RankingScope scope, PrintWriter err,
            @Nullable NativeProcessGroup group) throws IOException {
        boolean writer = group == null || group.isRankZero();
        Instant started = Instant.now();
        long start = System.nanoTime();
        Files.createDirectories(output);
        List<DatasetScore> scores = new ArrayList<>();
        try (Embedder embedder = Vlm2Vec.load(model, options, adapter)) {
            String fingerprint = model.toAbsolutePath() + "|" + embedder.model().info() + "|" + options.maxLength()
                    + "|" + options.llavaPadding() + "|exif=" + options.images().applyExifOrientation()
                    + (adapter == null ? "" : "|" + adapter.toAbsolutePath() + "@"
                            + Files.getLastModifiedTime(adapter.resolve("adapter_model.safetensors")).toMillis());
            MmebEvaluator evaluator = new MmebEvaluator(embedder, imageRoot, skipMissing, output, batchSize, fingerprint, scope,
                    group);
            for (Map.Entry<MmebDataset, Path> entry : files.entrySet()) {
                List<EvalRow> rows = DatasetFiles.readEval(entry.getValue());
                Progress[] progress = {null};
                MmebEvaluator.Result result = evaluator.evaluate(entry.getKey(), rows, (done, total) -> {
                    if (progress[0] == null) {
                        progress[0] = new Progress(err, entry.getKey().name() + " (embedding)", total);
                    }
                    progress[0].update(done);
                });
                scores.add(result.score());
                err.printf("%s: Precision@1 %.1f%% (%d/%d)%s%n", entry.getKey().name(), 100 * result.score().acc(),
                        result.score().numCorrect(), result.score().numPred(),
                        (result.skipped() > 0 ? ", " + result.skipped() + " rows skipped for missing images" : "")
                                + (result.cached() ? " (cached embeddings)" : ""));
                err.flush();
            }
        }
        RunInfo info = runInfo(model, adapter, data, options, scope, skipMissing, started, (System.nanoTime() - start) / 1e9);
        EvalRun run = new EvalRun(info.displayName(), MmebSummary.of(scores), info);
        if (writer) {
            MmebRegistry registry = MmebRegistry.load();
            SummaryWriter.write(run, registry, output);
            HtmlReport.write(run, registry, output);
        }
        return run;
    }

    private static RunInfo runInfo(Path model, @Nullable Path adapter, Path data, EmbedderOptions options,
            RankingScope scope, boolean skipMissing, Instant started, double seconds) {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("scope", scope.name().toLowerCase(java.util.Locale.ROOT));
        settings.put("max_length", Integer.toString(options.maxLength()));
        settings.put("llava_padding", options.llavaPadding().cliName());
        settings.put("exif_orientation", Boolean.toString(options.images().applyExifOrientation()));
        settings.put("skip_missing", Boolean.toString(skipMissing));
        return new RunInfo(model.toAbsolutePath().normalize().toString(), RunInfo.configHash(model),
                adapter == null ? null : adapter.toAbsolutePath().normalize().toString(), options.dtype().cliName(),
                options.device(), data.toAbsolutePath().normalize().toString(), ProjectVersion.get(), started.toString(),
                seconds, settings);
    }
}
