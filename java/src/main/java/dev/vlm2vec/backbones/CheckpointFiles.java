package dev.vlm2vec.backbones;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vlm2vec.processing.Normalization;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.jspecify.annotations.NullMarked;

/**
 * What a backbone reads from a checkpoint directory to build its input pipeline: config.json,
 * preprocessor_config.json (config.json stands in when it is missing: texts still embed) and the
 * image normalisation, checked once for every backbone.
 *
 * @param preprocessorFile preprocessor_config.json's path, whether or not it exists
 */
@NullMarked
public record CheckpointFiles(Path directory, JsonNode config, Path preprocessorFile, JsonNode preprocessor,
        Normalization normalization) {

    public static CheckpointFiles read(Path directory) {
        JsonNode config = readJson(directory.resolve("config.json"));
        Path preprocessorFile = directory.resolve("preprocessor_config.json");
        JsonNode preprocessor = Files.isRegularFile(preprocessorFile) ? readJson(preprocessorFile) : config;
        Normalization normalization = new Normalization(floats(preprocessor.get("image_mean"), Normalization.CLIP.mean()),
                floats(preprocessor.get("image_std"), Normalization.CLIP.std()));
        for (int c = 0; c < 3; c++) {
            float mean = normalization.mean()[c], std = normalization.std()[c];
            // std 0 would poison every pixel with infinities: refused by name.
            if (!Float.isFinite(mean) || !Float.isFinite(std) || !(std > 0)) {
                throw new IllegalArgumentException(preprocessorFile + ": image_mean must be finite and image_std finite and > 0,"
                        + " not " + preprocessor.get("image_mean") + " / " + preprocessor.get("image_std"));
            }
        }
        return new CheckpointFiles(directory, config, preprocessorFile, preprocessor, normalization);
    }

    public String modelType() {
        return config.path("model_type").asText("");
    }

    public boolean hasPreprocessor() {
        return Files.isRegularFile(preprocessorFile);
    }

    private static float[] floats(JsonNode array, float[] fallback) {
        if (array == null || !array.isArray() || array.size() != 3) {
            return fallback;
        }
        return new float[] {(float) array.get(0).asDouble(), (float) array.get(1).asDouble(), (float) array.get(2).asDouble()};
    }

    static JsonNode readJson(Path file) {
        try {
            return new ObjectMapper().readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }
}
