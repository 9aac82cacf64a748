package dev.vlm2vec.data;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vlm2vec.io.JsonLines;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.jspecify.annotations.NullMarked;
import org.jspecify.annotations.Nullable;

/** MMEB-eval rows and MMEB-train pairs from JSONL with the published column names, one object per line. */
@NullMarked
public final class MmebJsonlReader {

    private MmebJsonlReader() {}

    public static List<EvalRow> readEval(Path file) {
        return read(file, node -> {
            List<String> texts = new ArrayList<>();
            List<@Nullable String> images = new ArrayList<>();
            node.path("tgt_text").forEach(text -> texts.add(text.asText()));
            node.path("tgt_img_path").forEach(path -> images.add(emptyToNull(path.asText(""))));
            return new EvalRow(node.path("qry_text").asText(""), emptyToNull(node.path("qry_img_path").asText("")),
                    texts, images);
        });
    }

    /** MMEB-train pairs from JSONL with the published column names. */
    public static List<TrainRow> readTrain(Path file) {
        return read(file, n -> {
            if (!n.hasNonNull("qry") || !n.hasNonNull("pos_text")) {
                throw new IllegalArgumentException("qry and pos_text are required");
            }
            return new TrainRow(n.get("qry").asText(), emptyToNull(n.path("qry_image_path").asText("")),
                    n.get("pos_text").asText(), emptyToNull(n.path("pos_image_path").asText("")),
                    n.path("neg_text").asText(""), emptyToNull(n.path("neg_image_path").asText("")));
        });
    }

    // A row that does not fit its schema is named by file and line.
    private static <T> List<T> read(Path file, Function<JsonNode, T> row) {
        return JsonLines.read(file, (node, line) -> {
            try {
                return row.apply(node);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(file + " line " + line + ": " + e.getMessage(), e);
            }
        });
    }

    private static @Nullable String emptyToNull(String path) {
        return path.isBlank() ? null : path;
    }
}
