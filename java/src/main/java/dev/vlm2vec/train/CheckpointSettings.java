package dev.vlm2vec.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.NullMarked;

/**
 * What a checkpoint says about how it was trained, so that {@code --resume} needs no flag
 * retyped: a full fine-tune ({@code model/} inside) or the adapter's rank, alpha, dropout, DoRA
 * and targets from its {@code adapter_config.json} (PEFT's keys).
 */
@NullMarked
public record CheckpointSettings(boolean full, int rank, double alpha, double dropout, boolean dora, List<String> targets) {

    public static CheckpointSettings read(Path checkpoint) {
        if (Files.isRegularFile(checkpoint.resolve("model").resolve("config.json"))) {
            return new CheckpointSettings(true, 0, 0, 0, false, List.of());
        }
        Path file = checkpoint.resolve("adapter_config.json");
        JsonNode config;
        try {
            config = new ObjectMapper().readTree(file.toFile());
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + file + " (the checkpoint to resume from): " + e.getMessage(), e);
        }
        for (String key : List.of("r", "lora_alpha", "target_modules")) {
            if (!config.hasNonNull(key)) {
                throw new IllegalArgumentException(file + " lacks \"" + key + "\"; it is not a LoRA checkpoint of vlm2vec or PEFT");
            }
        }
        List<String> targets = new ArrayList<>();
        config.get("target_modules").forEach(t -> targets.add(t.asText()));
        return new CheckpointSettings(false, config.get("r").asInt(), config.get("lora_alpha").asDouble(),
                config.path("lora_dropout").asDouble(0), config.path("use_dora").asBoolean(false), List.copyOf(targets));
    }
}
