package dev.vlm2vec.io;

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

/** JSONL files: one JSON object per line, blank lines skipped, errors naming the line. */
@NullMarked
public final class JsonLines {

    /** Turns one line's object into a value; {@code lineNumber} is 1-based, for messages. */
    @FunctionalInterface
    public interface LineParser<T> {
        T parse(JsonNode node, int lineNumber);
    }

    private JsonLines() {}

    public static <T> List<T> read(Path file, LineParser<T> parser) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        ObjectMapper json = new ObjectMapper();
        List<T> values = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).isBlank()) {
                continue;
            }
            JsonNode node;
            try {
                node = json.readTree(lines.get(i));
            } catch (IOException e) {
                throw new IllegalArgumentException(file + " line " + (i + 1) + " is not JSON: " + e.getMessage(), e);
            }
            values.add(parser.parse(node, i + 1));
        }
        return values;
    }
}
