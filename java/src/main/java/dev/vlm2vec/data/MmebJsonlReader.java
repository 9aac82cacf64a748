package dev.vlm2vec.data;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.NullMarked;
import org.jspecify.annotations.Nullable;

/** MMEB-eval rows and MMEB-train pairs from JSONL with the published column names, one object per line. */
@NullMarked
public final class MmebJsonlReader {

    private MmebJsonlReader() {}

    public static List<EvalRow> readEval(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        ObjectMapper json = new ObjectMapper();
        List<EvalRow> rows = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).isBlank()) {
                continue;
            }
            String where = file + " line " + (i + 1);
            try {
                JsonNode node = json.readTree(lines.get(i));
                List<String> texts = new ArrayList<>();
                List<@Nullable String> images = new ArrayList<>();
                node.path("tgt_text").forEach(text -> texts.add(text.asText()));
                node.path("tgt_img_path").forEach(path -> images.add(emptyToNull(path.asText(""))));
                rows.add(new EvalRow(node.path("qry_text").asText(""), emptyToNull(node.path("qry_img_path").asText("")),
                        texts, images));
            } catch (IOException | IllegalArgumentException e) {
                throw new IllegalArgumentException(where + ": " + e.getMessage(), e);
            }
        }
        return rows;
    }

    /** MMEB-train pairs from JSONL with the published column names. */
    public static List<TrainRow> readTrain(Path file) {
        List<TrainRow> rows = new ArrayList<>();
        ObjectMapper json = new ObjectMapper();
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).isBlank()) {
                continue;
            }
            try {
                JsonNode n = json.readTree(lines.get(i));
                if (!n.hasNonNull("qry") || !n.hasNonNull("pos_text")) {
                    throw new IllegalArgumentException("qry and pos_text are required");
                }
                rows.add(new TrainRow(n.get("qry").asText(), emptyToNull(n.path("qry_image_path").asText("")),
                        n.get("pos_text").asText(), emptyToNull(n.path("pos_image_path").asText("")),
                        n.path("neg_text").asText(""), emptyToNull(n.path("neg_image_path").asText(""))));
            } catch (IOException | IllegalArgumentException e) {
                throw new IllegalArgumentException(file + " line " + (i + 1) + ": " + e.getMessage(), e);
            }
        }
        return rows;
    }

    private static @Nullable String emptyToNull(String path) {
        return path.isBlank() ? null : path;
    }
}
