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

/** MMEB-eval rows from JSONL with the published column names, one object per line. */
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

    private static @Nullable String emptyToNull(String path) {
        return path.isBlank() ? null : path;
    }
}
