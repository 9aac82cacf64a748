package dev.vlm2vec.cli;

import dev.vlm2vec.Embedder;
import dev.vlm2vec.EmbedderOptions;
import dev.vlm2vec.Vlm2Vec;
import dev.vlm2vec.data.EvalRow;
import dev.vlm2vec.eval.DatasetScore;
import dev.vlm2vec.eval.HtmlReport;
import dev.vlm2vec.eval.MmebDataset;
import dev.vlm2vec.eval.MmebEvaluator;
import dev.vlm2vec.eval.MmebRegistry;
import dev.vlm2vec.eval.MmebSummary;
import dev.vlm2vec.eval.RankingScope;
import dev.vlm2vec.eval.SummaryWriter;
import dev.vlm2vec.ffi.ModelDType;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.jspecify.annotations.NullMarked;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code vlm2vec eval}: MMEB Precision@1 per dataset, meta-task, IND / OOD and overall. */
@NullMarked
@Command(name = "eval", mixinStandardHelpOptions = true,
        description = "Evaluate a model on MMEB-eval data: per dataset a {Dataset}.jsonl, a {Dataset}.parquet or a"
                + " {Dataset}/ directory of parquet files (HF layout), with the columns qry_text, qry_img_path,"
                + " tgt_text[], tgt_img_path[].")
final class EvalCommand implements Callable<Integer> {

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Option(names = "--model", required = true, description = "Model directory.")
    private Path model = Path.of(".");

    @Option(names = "--data", description = "A {Dataset}.jsonl / .parquet file, or a directory of datasets (default: the"
            + " synthetic MMEB-mini eval split, generated on first use).")
    private @Nullable Path data;

    @Option(names = "--image-root", description = "Directory the image paths are relative to (default: the data directory).")
    private @Nullable Path imageRoot;

    @Option(names = "--datasets", split = ",", description = "Only these datasets, e.g. VOC2007,MSCOCO_i2t.")
    private List<String> datasets = new ArrayList<>();

    @Option(names = "--output", defaultValue = "mmeb-results", description = "Output directory (default: ${DEFAULT-VALUE}).")
    private Path output = Path.of("mmeb-results");

    @Option(names = "--batch-size", defaultValue = "16", description = "Inputs per model call (default: ${DEFAULT-VALUE}).")
    private int batchSize;

    @Option(names = "--adapter", paramLabel = "DIR",
            description = "A PEFT LoRA/DoRA adapter directory (from `train` or PEFT), merged into the model at load.")
    private @Nullable Path adapter;

    @Option(names = "--global", description = "Rank each positive against every candidate of its dataset "
            + "(corpus-wide retrieval) instead of the query's own candidate list (MMEB's protocol).")
    private boolean global;

    @Option(names = "--skip-missing", description = "Skip (and count) rows whose image is missing instead of failing.")
    private boolean skipMissing;

    @Option(names = "--device", defaultValue = "cpu", description = "cpu, cuda, cuda:N (default: ${DEFAULT-VALUE}).")
    private String device = "cpu";

    @Option(names = "--dtype", defaultValue = "fp32", description = "fp32, bf16, fp16 (default: ${DEFAULT-VALUE}).")
    private String dtype = "fp32";

    @CommandLine.Mixin
    private ImageFlags imageFlags = new ImageFlags();

    @Override
    public Integer call() throws IOException {
        if (data == null) {
            data = MmebMini.evalSplit(spec.commandLine().getErr());
        }
        EmbedderOptions options = imageFlags.applyTo(EmbedderOptions.defaults().withDevice(device)
                .withDtype(ModelDType.parse(dtype)).withBatching(batchSize, Duration.ofMillis(2), 4 * batchSize));
        MmebSummary summary = evaluate(model, adapter, data, imageRoot, datasets, output, options, batchSize, skipMissing,
                global ? RankingScope.GLOBAL : RankingScope.CANDIDATES, spec.commandLine().getErr());
        spec.commandLine().getOut().printf("overall Precision@1 %.1f%% over %d dataset(s); results in %s%n",
                100 * summary.overall().orElse(0), summary.datasets().size(), output.toAbsolutePath());
        spec.commandLine().getOut().flush();
        return 0;
    }

    /**
     * Evaluates a model (with an optional adapter) on the MMEB datasets under {@code data},
     * writing every output into {@code output}, with progress on {@code err}. Shared with {@code train}.
     */
    static MmebSummary evaluate(Path model, @Nullable Path adapter, Path data, @Nullable Path imageRoot,
            List<String> datasets, Path output, EmbedderOptions options, int batchSize, boolean skipMissing,
            RankingScope scope, PrintWriter err) throws IOException {
        MmebRegistry registry = MmebRegistry.load();
        Map<MmebDataset, Path> files = DatasetFiles.find(registry, data, datasets);
        Path root = imageRoot != null ? imageRoot : DatasetFiles.defaultImageRoot(data);
        List<DatasetScore> scores = new ArrayList<>();
        try (Embedder embedder = Vlm2Vec.load(model, options, adapter)) {
            String fingerprint = model.toAbsolutePath() + "|" + embedder.model().info() + "|" + options.maxLength()
                    + "|" + options.llavaPadding() + "|exif=" + options.images().applyExifOrientation()
                    + (adapter == null ? "" : "|" + adapter.toAbsolutePath() + "@"
                            + Files.getLastModifiedTime(adapter.resolve("adapter_model.safetensors")).toMillis());
            MmebEvaluator evaluator = new MmebEvaluator(embedder, root, skipMissing, output, batchSize, fingerprint, scope);
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
        MmebSummary summary = MmebSummary.of(scores);
        String name = adapter != null ? adapter.getFileName().toString() : model.getFileName().toString();
        SummaryWriter.write(summary, registry, name, output);
        HtmlReport.write(summary, registry, name, output);
        return summary;
    }
}
