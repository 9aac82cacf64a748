package dev.vlm2vec.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.awt.image.BufferedImage;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code vlm2vec init-random}: the presets plan the real models' parameter counts (Qwen2-VL-2B's
 * is the real index's total_size / 2; the others MODELS.md's figures), and a small config in a
 * preset's exact layout is written in shards that the embedder loads and runs.
 */
class InitRandomCommandTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @ParameterizedTest
    @CsvSource({
        "phi-3.5-vision, '4,146,621,440', '8.29 GB in bf16', 3",
        "llava-v1.6-mistral-7b, '7,566,747,648', '15.13 GB in fp16', 4",
        "qwen2-vl-2b, '2,208,985,600', '4.42 GB in bf16', 2",
        "qwen2-vl-7b, '8,291,375,616', '16.58 GB in bf16', 5"})
    void presetsPlanTheRealModels(String preset, String parameters, String bytes, int shards, @TempDir Path directory)
            throws IOException {
        Path output = directory.resolve("model");
        CliRun run = CliRun.of("init-random", "--preset", preset, "--output", output.toString(), "--dry-run");
        assertEquals(0, run.exitCode(), run.err());
        assertTrue(run.out().contains("preset " + preset + ": " + parameters + " parameters, " + bytes), run.out());
        assertTrue(run.out().contains(" in " + shards + " shards (dry run: nothing written)"), run.out());
        assertFalse(Files.exists(output), "a dry run writes nothing");
        try (var left = Files.list(directory)) {
            assertEquals(0, left.count(), "no staging folder is left");
        }
    }

    /** Phi-3.5-V's preset config with every size scaled down (the CLIP tower spelled out, as tiny configs may). */
    private static Path smallPhiConfig(Path directory) throws IOException {
        ObjectNode config;
        try (InputStream in = InitRandomCommand.class.getResourceAsStream("/dev/vlm2vec/presets/phi-3.5-vision/config.json")) {
            config = (ObjectNode) JSON.readTree(in);
        }
        config.put("hidden_size", 64).put("intermediate_size", 96).put("num_hidden_layers", 2).put("num_attention_heads", 4)
                .put("num_key_value_heads", 4).put("vocab_size", 512).put("pad_token_id", 500);
        ObjectNode scaling = (ObjectNode) config.get("rope_scaling");
        for (String key : new String[] {"short_factor", "long_factor"}) {
            ArrayNode factors = scaling.putArray(key);
            for (int i = 0; i < 8; i++) {
                factors.add(1.0 + i * 0.1);  // head_dim 16: 8 factors
            }
        }
        ObjectNode clip = ((ObjectNode) config.get("img_processor")).putObject("clip_config");
        clip.put("hidden_size", 32).put("intermediate_size", 48).put("num_hidden_layers", 2).put("num_attention_heads", 4)
                .put("image_size", 56).put("patch_size", 14);
        Path source = Files.createDirectories(directory.resolve("source"));
        Files.writeString(source.resolve("config.json"), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(config));
        try (InputStream in = InitRandomCommand.class.getResourceAsStream(
                "/dev/vlm2vec/presets/phi-3.5-vision/preprocessor_config.json")) {
            Files.copy(in, source.resolve("preprocessor_config.json"));
        }
        return source.resolve("config.json");
    }

    /** name -> shape, from a safetensors header. */
    private static Map<String, String> shapes(Path shard) throws IOException {
        byte[] bytes = Files.readAllBytes(shard);
        long headerLength = ByteBuffer.wrap(bytes, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        JsonNode header = JSON.readTree(new String(bytes, 8, (int) headerLength, StandardCharsets.UTF_8));
        Map<String, String> shapes = new HashMap<>();
        header.fields().forEachRemaining(entry -> {
            if (!entry.getKey().equals("__metadata__")) {
                assertEquals("BF16", entry.getValue().get("dtype").asText(), entry.getKey());
                shapes.put(entry.getKey(), entry.getValue().get("shape").toString());
            }
        });
        return shapes;
    }

    @Test
    void aPresetShapedConfigIsWrittenInShardsThatEmbed(@TempDir Path directory) throws IOException {
        Path config = smallPhiConfig(directory);
        Path model = directory.resolve("model");
        CliRun run = CliRun.of("init-random", "--config", config.toString(), "--output", model.toString(), "--shard-size", "100KB",
                "--seed", "4");
        assertEquals(0, run.exitCode(), run.err());
        assertTrue(run.out().contains("wrote a random model (seed 4) to " + model), run.out());

        JsonNode index = JSON.readTree(model.resolve("model.safetensors.index.json").toFile());
        Map<String, String> shapes = new HashMap<>();
        TreeSet<String> shards = new TreeSet<>();
        index.get("weight_map").fields().forEachRemaining(entry -> shards.add(entry.getValue().asText()));
        long total = 0;
        for (String shard : shards) {
            assertTrue(shard.matches("model-0000\\d-of-0000" + shards.size() + "\\.safetensors"), shard);
            Map<String, String> inShard = shapes(model.resolve(shard));
            inShard.keySet().forEach(name -> assertEquals(shard, index.get("weight_map").get(name).asText(), name));
            shapes.putAll(inShard);
            total += Files.size(model.resolve(shard));
        }
        assertTrue(shards.size() >= 3, "100 KB shards of a ~" + total + " byte model: " + shards);
        assertEquals(index.get("weight_map").size(), shapes.size());
        // Phi-3.5-V's layout (MODELS.md section 3) at these sizes: 2 LM layers of fused qkv / gate_up, no biases,
        // an untied lm_head, CLIP's 2 layers and the HD-transform separators.
        assertEquals("[192,64]", shapes.get("model.layers.1.self_attn.qkv_proj.weight"));
        assertEquals("[192,64]", shapes.get("model.layers.0.mlp.gate_up_proj.weight"));
        assertEquals("[64,96]", shapes.get("model.layers.0.mlp.down_proj.weight"));
        assertEquals("[512,64]", shapes.get("lm_head.weight"));
        assertEquals("[1,1,128]", shapes.get("model.vision_embed_tokens.glb_GN"));
        assertEquals("[1,1,1,128]", shapes.get("model.vision_embed_tokens.sub_GN"));
        assertEquals("[17,32]", shapes.get("model.vision_embed_tokens.img_processor.vision_model.embeddings.position_embedding.weight"));
        // embed, lm_head, norm; 6 per LM layer; separators and projector; CLIP's embeddings, its 2 norms and 16 per layer.
        assertEquals(3 + 2 * 6 + 6 + 3 + 4 + 2 * 16, shapes.size(), shapes.keySet().toString());
        assertTrue(Files.isRegularFile(model.resolve("tokenizer.json")));
        assertTrue(Files.isRegularFile(model.resolve("preprocessor_config.json")), "copied from beside the config");

        BufferedImage image = new BufferedImage(90, 60, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 60; y++) {
            for (int x = 0; x < 90; x++) {
                image.setRGB(x, y, (x * 2) << 16 | (y * 4) << 8 | 128);
            }
        }
        Path png = directory.resolve("image.png");
        ImageIO.write(image, "png", png.toFile());
        CliRun embed = CliRun.of("embed", "--model", model.toString(), "--image", png.toString(), "--text", "a picture",
                "--instruction", "Represent the given image.");
        assertEquals(0, embed.exitCode(), embed.err());
        JsonNode vector = JSON.readTree(embed.out().strip()).get("embedding");
        assertEquals(64, vector.size());
        double norm = 0;
        for (JsonNode value : vector) {
            norm += value.asDouble() * value.asDouble();
        }
        assertEquals(1.0, norm, 1e-4);
    }

    @Test
    void badInputIsNamed(@TempDir Path directory) throws IOException {
        Path full = Files.createDirectories(directory.resolve("full"));
        Files.writeString(full.resolve("keep.txt"), "mine");
        CliRun notEmpty = CliRun.of("init-random", "--preset", "qwen2-vl-2b", "--output", full.toString());
        assertEquals(1, notEmpty.exitCode());
        assertTrue(notEmpty.err().contains("--output " + full + ": the folder is not empty"), notEmpty.err());
        assertEquals("mine", Files.readString(full.resolve("keep.txt")));

        CliRun size = CliRun.of("init-random", "--preset", "qwen2-vl-2b", "--output", directory.resolve("a").toString(),
                "--shard-size", "4XB");
        assertEquals(1, size.exitCode());
        assertTrue(size.err().contains("--shard-size 4XB: not a size (write e.g. 4GB, 500MB, 2GiB or a byte count)"), size.err());

        CliRun preset = CliRun.of("init-random", "--preset", "gpt-5", "--output", directory.resolve("b").toString());
        assertEquals(1, preset.exitCode());
        assertTrue(preset.err().contains("--preset gpt-5: unknown; the presets are phi-3.5-vision, llava-v1.6-mistral-7b"),
                preset.err());

        CliRun missing = CliRun.of("init-random", "--config", directory.resolve("none.json").toString(), "--output",
                directory.resolve("c").toString());
        assertEquals(1, missing.exitCode());
        assertTrue(missing.err().contains("none.json: no such file"), missing.err());

        Path noType = directory.resolve("notype.json");
        Files.writeString(noType, "{\"hidden_size\": 8}");
        CliRun bad = CliRun.of("init-random", "--config", noType.toString(), "--output", directory.resolve("d").toString());
        assertEquals(1, bad.exitCode());
        assertTrue(bad.err().contains("lacks the required key 'model_type'"), bad.err());

        CliRun both = CliRun.of("init-random", "--preset", "qwen2-vl-2b", "--config", noType.toString(), "--output",
                directory.resolve("e").toString());
        assertEquals(2, both.exitCode(), both.err());
        try (var left = Files.list(directory)) {
            assertEquals(new TreeSet<>(List.of("full", "notype.json")),
                    new TreeSet<>(left.map(p -> p.getFileName().toString()).toList()), "no output or staging folder is left");
        }
    }

    @Test
    void sigtermStopsBetweenTensorsAndLeavesNothing(@TempDir Path directory) throws Exception {
        Path output = directory.resolve("qwen");
        Process process = new ProcessBuilder(ChildJvm.cli(List.of("init-random", "--preset", "qwen2-vl-2b", "--output",
                output.toString()))).redirectErrorStream(true).start();
        StringBuilder log = new StringBuilder();
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = lines.readLine()) != null;) {
                log.append(line).append('\n');
                if (line.startsWith("preset qwen2-vl-2b: ")) {
                    Thread.sleep(1500);  // a tensor or two into the 4.4 GB
                    process.toHandle().destroy();  // SIGTERM (Process.destroy() would also close our end of its output)
                }
            }
        }
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), log.toString());
        assertTrue(process.exitValue() != 0, log.toString());
        assertTrue(log.toString().contains("vlm2vec init-random: interrupted: nothing was written to --output " + output), log.toString());
        assertFalse(Files.exists(output), "no partial model");
        try (var left = Files.list(directory)) {
            assertEquals(List.of(), left.map(p -> p.getFileName().toString()).toList(), "the staging folder is gone");
        }
    }

    @Test
    void sizesParseAsSavePretrainedCountsThem() {
        assertEquals(4_000_000_000L, ByteSize.parse("--shard-size", "4GB"));
        assertEquals(4L << 30, ByteSize.parse("--shard-size", "4GiB"));
        assertEquals(500_000_000L, ByteSize.parse("--shard-size", "500mb"));
        assertEquals(100_000L, ByteSize.parse("--shard-size", "100KB"));
        assertEquals(1536L, ByteSize.parse("--shard-size", "1.5KiB"));
        assertEquals(123L, ByteSize.parse("--shard-size", "123"));
        assertEquals("8.29 GB", ByteSize.format(8_293_242_880L));
        assertEquals("512 B", ByteSize.format(512));
    }
}
