package dev.vlm2vec.eval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vlm2vec.io.AtomicFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalDouble;
import org.jspecify.annotations.NullMarked;

/**
 * {@code summary.json} (scores, per-aggregate dataset counts, the run's metadata) and
 * {@code summary.md} (the paper's table layout; its reference rows only where
 * {@link PaperComparison} allows, with the reason where not); {@link #read} loads a
 * {@code summary.json} back for {@code vlm2vec report}.
 */
@NullMarked
public final class SummaryWriter {

    private SummaryWriter() {}

    public static void write(EvalRun run, MmebRegistry registry, Path output) throws IOException {
        MmebSummary summary = run.summary();
        ObjectMapper json = new ObjectMapper();
        ObjectNode root = json.createObjectNode();
        root.put("name", run.name());
        run.info().writeTo(root.putObject("run"));
        ObjectNode datasets = root.putObject("datasets");
        for (DatasetScore score : summary.datasets()) {
            MmebDataset d = score.dataset();
            ObjectNode node = datasets.putObject(d.name()).put("acc", score.acc()).put("num_correct", score.numCorrect())
                    .put("num_pred", score.numPred()).put("hit@5", score.hitAt5()).put("mrr", score.mrr())
                    .put("ndcg@5", score.ndcgAt5()).put("origin", d.origin().name().toLowerCase(Locale.ROOT))
                    .put("split", d.split());
            if (d.metaTask() == null) {
                node.putNull("meta_task");
            } else {
                node.put("meta_task", d.metaTask().key());
            }
        }
        ObjectNode metaTasks = root.putObject("meta_tasks");
        ObjectNode counts = root.putObject("dataset_counts");
        for (MetaTask task : MetaTask.values()) {
            put(metaTasks, task.key(), summary.metaTasks().get(task));
            counts.put(task.key(), summary.count(task));
        }
        put(root, "IND", summary.ind());
        put(root, "OOD", summary.ood());
        put(root, "overall", summary.overall());
        counts.put("IND", summary.indCount()).put("OOD", summary.oodCount()).put("overall", summary.datasets().size());
        AtomicFiles.write(output.resolve("summary.json"), (json.writerWithDefaultPrettyPrinter()
                .writeValueAsString(root) + "\n").getBytes(StandardCharsets.UTF_8));
        AtomicFiles.write(output.resolve("summary.md"), markdown(run, registry).getBytes(StandardCharsets.UTF_8));
    }

    static String markdown(EvalRun run, MmebRegistry registry) {
        MmebSummary summary = run.summary();
        PaperComparison comparison = PaperComparison.of(List.of(summary), registry);
        RunInfo info = run.info();
        StringBuilder md = new StringBuilder("# MMEB Precision@1: ").append(run.name()).append("\n\n")
                .append("- model: `").append(info.model()).append("` (config.json sha256 ")
                .append(info.modelConfigSha256().isEmpty() ? "-" : info.modelConfigSha256().substring(0, 12)).append(")\n")
                .append("- adapter: ").append(info.adapter() == null ? "none" : "`" + info.adapter() + "`").append('\n')
                .append("- dtype ").append(info.dtype()).append(" on ").append(info.device()).append("; data `")
                .append(info.data()).append("`\n")
                .append(String.format(Locale.ROOT, "- vlm2vec %s, started %s, %.0f s%n%n", info.version(), info.startedAt(),
                        info.durationSeconds()));
        md.append("| Model | Cls | VQA | Ret | Grd | IND | OOD | All |\n|---|---|---|---|---|---|---|---|\n");
        if (comparison.any()) {
            for (MmebRegistry.ReferenceResult ref : registry.referenceResults()) {
                md.append("| ").append(ref.model()).append(" |");
                for (MetaTask task : MetaTask.values()) {
                    md.append(' ').append(comparison.metaTasks().get(task) ? one(ref.metaTasks().get(task)) : "-").append(" |");
                }
                md.append(' ').append(comparison.ind() ? one(ref.ind()) : "-").append(" | ")
                        .append(comparison.ood() ? one(ref.ood()) : "-").append(" | ")
                        .append(comparison.overall() ? one(ref.overall()) : "-").append(" |\n");
            }
        }
        md.append("| **").append(run.name()).append("** |");
        for (MetaTask task : MetaTask.values()) {
            md.append(' ').append(percent(summary.metaTasks().get(task))).append(" |");
        }
        md.append(' ').append(percent(summary.ind())).append(" | ").append(percent(summary.ood())).append(" | ")
                .append(percent(summary.overall())).append(" |\n");
        md.append("| datasets |");
        for (MetaTask task : MetaTask.values()) {
            md.append(' ').append(summary.count(task)).append(" |");
        }
        md.append(' ').append(summary.indCount()).append(" | ").append(summary.oodCount()).append(" | ")
                .append(summary.datasets().size()).append(" |\n\n");
        for (String reason : comparison.reasons()) {
            md.append("- ").append(reason).append('\n');
        }
        if (comparison.any()) {
            md.append("- Reference rows: VLM2Vec paper, Table 2 (real MMEB).\n");
        }
        md.append("\n| Dataset | Meta-task | Split | Precision@1 | N |\n|---|---|---|---|---|\n");
        for (DatasetScore score : summary.datasets()) {
            md.append(String.format(Locale.ROOT, "| %s | %s | %s | %.1f | %d |%n", score.dataset().name(),
                    score.dataset().metaTaskTitle(), score.dataset().split(), 100 * score.acc(), score.numPred()));
        }
        return md.toString();
    }

    /** A {@code summary.json} read back: its datasets keep their registry entries where they are MMEB's. */
    public static EvalRun read(Path folder, MmebRegistry registry) throws IOException {
        Path file = Files.isDirectory(folder) ? folder.resolve("summary.json") : folder;
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException(folder + " holds no summary.json (write one with vlm2vec eval --output DIR)");
        }
        JsonNode root = new ObjectMapper().readTree(file.toFile());
        List<DatasetScore> scores = new ArrayList<>();
        root.path("datasets").fields().forEachRemaining(entry -> {
            JsonNode d = entry.getValue();
            String name = entry.getKey();
            MmebDataset dataset = registry.find(name).orElseGet(() -> MmebDataset.custom(name,
                    d.hasNonNull("meta_task") ? MetaTask.parse(d.get("meta_task").asText()) : null));
            scores.add(new DatasetScore(dataset, d.path("acc").asDouble(), d.path("num_correct").asInt(),
                    d.path("num_pred").asInt(), d.path("hit@5").asDouble(), d.path("mrr").asDouble(),
                    d.path("ndcg@5").asDouble()));
        });
        if (scores.isEmpty()) {
            throw new IllegalArgumentException(file + " lists no datasets");
        }
        RunInfo info = RunInfo.readFrom(root.path("run"));
        String name = root.hasNonNull("name") ? root.get("name").asText() : folder.getFileName().toString();
        return new EvalRun(name, MmebSummary.of(scores), info);
    }

    private static void put(ObjectNode node, String key, OptionalDouble value) {
        if (value.isPresent()) {
            node.put(key, value.getAsDouble());
        } else {
            node.putNull(key);
        }
    }

    private static String one(double value) {
        return String.format(Locale.ROOT, "%.1f", value);
    }

    private static String percent(OptionalDouble value) {
        return value.isPresent() ? String.format(Locale.ROOT, "%.1f", 100 * value.getAsDouble()) : "-";
    }
}
