package dev.vlm2vec.processing;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vlm2vec.ffi.TinyModels;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Damaged tokenizer.json files that made the tokenizers library panic (exit 134, a JVM abort)
 * are refused by name before the library sees them; a tokenizer closed under its callers fails
 * them with an exception. Were a check missing, the panic would end this test's JVM.
 */
class TokenizerFileTest {

    private static String loadError(Path model) {
        return assertThrows(IllegalArgumentException.class, () -> Tokenizer.load(model, 0).close()).getMessage();
    }

    @Test
    void damagedTokenizerFilesAreRefusedBeforeTheLibrarySeesThem(@TempDir Path directory) throws Exception {
        Path model = directory.resolve("model");
        TinyModels.write("phi3_v", model, 0, 0);
        Path file = model.resolve("tokenizer.json");
        String good = Files.readString(file);

        // A JSON syntax error inside "decoder" (the library panicked while parsing it).
        Files.writeString(file, good.replaceFirst("\"decoder\":\\s*\\{", "\"decoder\": {,"));
        String syntax = loadError(model);
        assertTrue(syntax.startsWith(file + " is not valid JSON ("), syntax);

        // A template naming a special token that special_tokens lacks (panicked at the first encode).
        ObjectNode root = (ObjectNode) new ObjectMapper().readTree(good);
        ((ObjectNode) root.get("post_processor").get("special_tokens")).remove("<s>");
        Files.writeString(file, root.toString());
        String template = loadError(model);
        assertTrue(template.contains("post_processor.single uses the special token '<s>', which post_processor.special_tokens"
                + " does not declare"), template);

        // Nested deeper than Jackson's limit: an error without a location (found by the Jazzer target,
        // it was a NullPointerException).
        Files.writeString(file, "[".repeat(1100));
        String deep = loadError(model);
        assertTrue(deep.startsWith(file + " is not valid JSON (Document nesting depth (1001) exceeds"), deep);

        // Not a tokenizers file at all, and one far too large.
        Files.writeString(file, "[1, 2, 3]");
        assertTrue(loadError(model).contains("is not a tokenizers file"));
        Files.delete(file);
        try (RandomAccessFile sparse = new RandomAccessFile(file.toFile(), "rw")) {
            sparse.setLength(Tokenizer.MAX_FILE_BYTES + 1);
        }
        assertTrue(loadError(model).contains("more than the " + Tokenizer.MAX_FILE_BYTES + " a tokenizer.json may have"));

        // Restored, it loads and encodes; closed, it refuses instead of touching freed memory.
        Files.writeString(file, good);
        Tokenizer tokenizer = Tokenizer.load(model, 0);
        assertTrue(tokenizer.encode("a test").length > 1);
        tokenizer.close();
        assertThrows(IllegalStateException.class, () -> tokenizer.encode("a test"));
        tokenizer.close();
    }

    // Found by the Jazzer target (TokenizerFileFuzzer): a vocabulary without its unk_token and
    // byte tokens loads, then the library fails the first text it cannot spell with a bare
    // RuntimeException; vlm2vec names the file.
    @Test
    void aTokenizerThatLoadsButCannotEncodeIsNamedWhenItFails(@TempDir Path directory) throws Exception {
        Path model = directory.resolve("model");
        TinyModels.write("phi3_v", model, 0, 0);
        Path file = model.resolve("tokenizer.json");
        ObjectNode root = (ObjectNode) new ObjectMapper().readTree(file.toFile());
        ObjectNode vocab = (ObjectNode) root.get("model").get("vocab");
        vocab.remove("<unk>");
        vocab.properties().removeIf(entry -> entry.getKey().startsWith("<0x"));
        Files.writeString(file, root.toString());
        try (Tokenizer tokenizer = Tokenizer.load(model, 0)) {
            IllegalArgumentException error = assertThrows(IllegalArgumentException.class, () -> tokenizer.encode("~ unspellable ~"));
            assertTrue(error.getMessage().startsWith(file + " cannot be used by the tokenizers library: "), error.getMessage());
        }
    }
}
