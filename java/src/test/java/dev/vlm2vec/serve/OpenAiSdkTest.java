package dev.vlm2vec.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vlm2vec.Embedder;
import dev.vlm2vec.EmbedderOptions;
import dev.vlm2vec.Input;
import dev.vlm2vec.Vlm2Vec;
import dev.vlm2vec.cli.CliRun;
import dev.vlm2vec.ffi.TinyModels;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The official OpenAI Node SDK ({@code openai} from npm, on the machine's Node.js) against the
 * server: what it gets, with the default (base64 under the hood), float and base64 encodings,
 * must equal within 1e-6 the Embedder's vectors and what {@code vlm2vec embed} writes for the
 * same texts, and a wrong key must reach it as a 401.
 */
class OpenAiSdkTest {

    private static final String SDK_VERSION = "6";

    private static String run(Path directory, List<String> command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).directory(directory.toFile()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(300, TimeUnit.SECONDS), String.join(" ", command) + " did not finish");
        assertEquals(0, process.exitValue(), String.join(" ", command) + ":\n" + output);
        return output;
    }

    /** The SDK, installed once per build into target/openai-sdk (npm's registry, like Maven Central for the jars). */
    private static Path sdk() throws Exception {
        Path directory = Path.of(System.getProperty("user.dir"), "target", "openai-sdk");
        if (!Files.isDirectory(directory.resolve("node_modules/openai"))) {
            Files.createDirectories(directory);
            run(directory, List.of("npm", "install", "--no-audit", "--no-fund", "--loglevel=error", "openai@" + SDK_VERSION));
        }
        return directory;
    }

    @Test
    void theOfficialNodeSdkGetsTheEmbeddersVectors(@TempDir Path models) throws Exception {
        Path sdk = sdk();
        Files.copy(OpenAiSdkTest.class.getResourceAsStream("/openai-client/embeddings.mjs"), sdk.resolve("embeddings.mjs"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        TinyModels.write("phi3_v", models.resolve("phi3v"), 2, 0);
        try (Embedder embedder = Vlm2Vec.load(models.resolve("phi3v"), EmbedderOptions.defaults());
                EmbeddingServer server = EmbeddingServer.start(embedder, ServerOptions.defaults("tiny")
                        .withAddress("127.0.0.1", 0).withApiKey("sdk-key"))) {
            String output = run(sdk, List.of("node", "embeddings.mjs", "http://127.0.0.1:" + server.port() + "/v1", "sdk-key"));
            JsonNode result = new ObjectMapper().readTree(output.lines().reduce((first, last) -> last).orElse(""));
            List<String> texts = List.of("a dog on a beach", "a red car");
            Path lines = Files.writeString(models.resolve("texts.jsonl"), texts.stream()
                    .map(text -> "{\"text\": \"" + text + "\"}\n").collect(java.util.stream.Collectors.joining()));
            Path written = models.resolve("embed.jsonl");
            CliRun embed = CliRun.of("embed", "--model", models.resolve("phi3v").toString(), "--input", lines.toString(),
                    "--output", written.toString());
            assertEquals(0, embed.exitCode(), embed.err());
            List<String> cliLines = Files.readAllLines(written);
            for (String encoding : new String[] {"default", "float", "base64"}) {
                for (int i = 0; i < texts.size(); i++) {
                    float[] expected = embedder.embed(Input.text(texts.get(i)));
                    JsonNode cli = new ObjectMapper().readTree(cliLines.get(i)).get("embedding");
                    JsonNode actual = result.get(encoding).get(i);
                    assertEquals(expected.length, actual.size(), encoding);
                    for (int k = 0; k < expected.length; k++) {
                        assertEquals(expected[k], actual.get(k).asDouble(), 1e-6, encoding + " input " + i + " value " + k);
                        assertEquals(cli.get(k).asDouble(), actual.get(k).asDouble(), 1e-6, "vlm2vec embed, " + encoding
                                + " input " + i + " value " + k);
                    }
                }
            }
            assertEquals("[0,1]", result.get("indices").toString());
            assertEquals("tiny", result.get("model").asText());
            assertTrue(result.get("usage").get("prompt_tokens").asInt() > 4, result.toString());
            assertEquals(401, result.get("unauthorized").get("status").asInt(), result.toString());
        }
    }
}
