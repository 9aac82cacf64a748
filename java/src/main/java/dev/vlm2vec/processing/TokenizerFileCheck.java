package dev.vlm2vec.processing;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.jspecify.annotations.NullMarked;

/**
 * Checks a tokenizer.json before the tokenizers library (Rust, through JNI) sees it: the
 * library panics, and a panic aborts the JVM, on some damaged files that Java can recognise
 * first (a JSON syntax error anywhere, e.g. inside {@code "decoder"}; a post-processor template
 * naming a special token its {@code special_tokens} lacks, which panics at the first encode).
 * Each failure names the file and what to fix.
 */
@NullMarked
final class TokenizerFileCheck {

    private TokenizerFileCheck() {}

    static void check(Path file, long maxBytes) {
        // Symbolic links (Hugging Face's cache) are followed; a FIFO or device would block or never end.
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException(file + " is not a regular file");
        }
        long size;
        try {
            size = Files.size(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        if (size > maxBytes) {
            throw new IllegalArgumentException(file + " is " + size + " bytes, more than the " + maxBytes
                    + " a tokenizer.json may have (real ones are a few MB): it is not a tokenizer file");
        }
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(file.toFile());
        } catch (JsonProcessingException e) {
            // A limit Jackson enforces (nesting deeper than 1,000) carries no location.
            String where = e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr();
            throw new IllegalArgumentException(file + " is not valid JSON (" + e.getOriginalMessage() + where
                    + "): restore it from the checkpoint", e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        if (root == null || !root.isObject() || !root.path("model").isObject()) {
            throw new IllegalArgumentException(file + " is not a tokenizers file: it needs an object with a \"model\"");
        }
        checkPostProcessor(file, root.path("post_processor"), "post_processor");
    }

    // TemplateProcessing (possibly inside a Sequence): every SpecialToken of the templates must
    // be declared in special_tokens, with as many ids as tokens.
    private static void checkPostProcessor(Path file, JsonNode processor, String where) {
        if (!processor.isObject()) {
            return;
        }
        String type = processor.path("type").asText("");
        if (type.equals("Sequence")) {
            int i = 0;
            for (JsonNode inner : processor.path("processors")) {
                checkPostProcessor(file, inner, where + ".processors[" + i++ + "]");
            }
            return;
        }
        if (!type.equals("TemplateProcessing")) {
            return;
        }
        JsonNode special = processor.path("special_tokens");
        for (String template : new String[] {"single", "pair"}) {
            for (JsonNode piece : processor.path(template)) {
                JsonNode token = piece.path("SpecialToken");
                if (token.isObject()) {
                    String id = token.path("id").asText("");
                    if (!special.path(id).isObject()) {
                        throw new IllegalArgumentException(file + ": " + where + "." + template + " uses the special token '"
                                + id + "', which " + where + ".special_tokens does not declare");
                    }
                }
            }
        }
        special.fields().forEachRemaining(entry -> {
            JsonNode ids = entry.getValue().path("ids"), tokens = entry.getValue().path("tokens");
            if (!ids.isArray() || !tokens.isArray() || ids.size() != tokens.size()) {
                throw new IllegalArgumentException(file + ": " + where + ".special_tokens['" + entry.getKey()
                        + "'] needs lists \"ids\" and \"tokens\" of the same length");
            }
        });
    }
}
