package dev.vlm2vec.eval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.NullMarked;
import org.jspecify.annotations.Nullable;

/**
 * What produced a set of results, written with them ({@code summary.json}'s {@code run},
 * {@code summary.md}, {@code report.html}) so that a score file says which model, adapter,
 * dtype, data and vlm2vec made it, when, and how long it took.
 *
 * @param model the model directory (absolute)
 * @param modelConfigSha256 SHA-256 of its {@code config.json} ("" when unreadable)
 * @param adapter the adapter directory (absolute), or null
 * @param dtype e.g. {@code fp32}
 * @param device e.g. {@code cpu}
 * @param data the data path (absolute)
 * @param version vlm2vec's version
 * @param startedAt ISO-8601 instant
 * @param durationSeconds wall time of the evaluation
 * @param settings other settings that change scores (scope, max length, image flags), by name
 */
@NullMarked
public record RunInfo(String model, String modelConfigSha256, @Nullable String adapter, String dtype, String device,
        String data, String version, String startedAt, double durationSeconds, Map<String, String> settings) {

    public RunInfo {
        settings = Map.copyOf(settings);
    }

    /** The name a run is shown under: see {@link #displayName(Path, Path)}. */
    public String displayName() {
        return displayName(Path.of(model), adapter == null ? null : Path.of(adapter));
    }

    /** The model folder's name, with the adapter's (its parent's and its own, e.g. {@code run/checkpoint-40}) after a '+'. */
    public static String displayName(Path model, @Nullable Path adapter) {
        String name = model.toAbsolutePath().normalize().getFileName().toString();
        if (adapter == null) {
            return name;
        }
        Path a = adapter.toAbsolutePath().normalize();
        return name + "+" + (a.getParent() != null && a.getParent().getFileName() != null
                ? a.getParent().getFileName() + "/" : "") + a.getFileName();
    }

    public void writeTo(ObjectNode node) {
        node.put("model", model).put("model_config_sha256", modelConfigSha256);
        if (adapter == null) {
            node.putNull("adapter");
        } else {
            node.put("adapter", adapter);
        }
        node.put("dtype", dtype).put("device", device).put("data", data).put("vlm2vec_version", version)
                .put("started_at", startedAt).put("duration_s", durationSeconds);
        ObjectNode extra = node.putObject("settings");
        new java.util.TreeMap<>(settings).forEach(extra::put);
    }

    public static RunInfo readFrom(JsonNode node) {
        Map<String, String> settings = new LinkedHashMap<>();
        node.path("settings").fields().forEachRemaining(e -> settings.put(e.getKey(), e.getValue().asText()));
        return new RunInfo(node.path("model").asText(""), node.path("model_config_sha256").asText(""),
                node.hasNonNull("adapter") ? node.get("adapter").asText() : null, node.path("dtype").asText(""),
                node.path("device").asText(""), node.path("data").asText(""), node.path("vlm2vec_version").asText(""),
                node.path("started_at").asText(""), node.path("duration_s").asDouble(), settings);
    }

    /** SHA-256 of a model's config.json, hex; "" when it cannot be read. */
    public static String configHash(Path modelDirectory) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(modelDirectory.resolve("config.json")));
            return HexFormat.of().formatHex(digest);
        } catch (IOException | NoSuchAlgorithmException e) {
            return "";
        }
    }
}
