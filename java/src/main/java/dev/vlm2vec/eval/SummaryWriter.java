package dev.vlm2vec.eval;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vlm2vec.io.AtomicFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Locale;
import java.util.OptionalDouble;
import org.jspecify.annotations.NullMarked;

/** {@code summary.json} and {@code summary.md} (the paper's table layout, reference rows included). */
@NullMarked
public final class SummaryWriter {

    private SummaryWriter() {}

    public static void write(MmebSummary summary, MmebRegistry registry, String modelName, Path output) throws IOException {
        ObjectMapper json = new ObjectMapper();
        ObjectNode root = json.createObjectNode();
        ObjectNode datasets = root.putObject("datasets");
        for (DatasetScore score : summary.datasets()) {
            datasets.putObject(score.dataset().name()).put("acc", score.acc()).put("num_correct", score.numCorrect())
                    .put("num_pred", score.numPred()).put("meta_task", score.dataset().metaTask().key())
                    .put("split", score.dataset().split());
        }
        ObjectNode metaTasks = root.putObject("meta_tasks");
        for (MetaTask task : MetaTask.values()) {
            put(metaTasks, task.key(), summary.metaTasks().get(task));
        }
        put(root, "IND", summary.ind());
        put(root, "OOD", summary.ood());
        put(root, "overall", summary.overall());
        AtomicFiles.write(output.resolve("summary.json"), (json.writerWithDefaultPrettyPrinter()
                .writeValueAsString(root) + "\n").getBytes(StandardCharsets.UTF_8));

        StringBuilder md = new StringBuilder("| Model | Cls | VQA | Ret | Grd | IND | OOD | All |\n|---|---|---|---|---|---|---|---|\n");
        for (MmebRegistry.ReferenceResult ref : registry.referenceResults()) {
            md.append(String.format(Locale.ROOT, "| %s | %.1f | %.1f | %.1f | %.1f | %.1f | %.1f | %.1f |%n", ref.model(),
                    ref.metaTasks().get(MetaTask.CLASSIFICATION), ref.metaTasks().get(MetaTask.VQA),
                    ref.metaTasks().get(MetaTask.RETRIEVAL), ref.metaTasks().get(MetaTask.GROUNDING), ref.ind(), ref.ood(),
                    ref.overall()));
        }
        md.append("| **").append(modelName).append("** |");
        for (MetaTask task : MetaTask.values()) {
            md.append(' ').append(percent(summary.metaTasks().get(task))).append(" |");
        }
        md.append(' ').append(percent(summary.ind())).append(" | ").append(percent(summary.ood())).append(" | ")
                .append(percent(summary.overall())).append(" |\n\n| Dataset | Meta-task | Split | Precision@1 | N |\n|---|---|---|---|---|\n");
        for (DatasetScore score : summary.datasets()) {
            md.append(String.format(Locale.ROOT, "| %s | %s | %s | %.1f | %d |%n", score.dataset().name(),
                    score.dataset().metaTask().title(), score.dataset().split(), 100 * score.acc(), score.numPred()));
        }
        AtomicFiles.write(output.resolve("summary.md"), md.toString().getBytes(StandardCharsets.UTF_8));
    }

    private static void put(ObjectNode node, String key, OptionalDouble value) {
        if (value.isPresent()) {
            node.put(key, value.getAsDouble());
        } else {
            node.putNull(key);
        }
    }

    private static String percent(OptionalDouble value) {
        return value.isPresent() ? String.format(Locale.ROOT, "%.1f", 100 * value.getAsDouble()) : "-";
    }
}
