package dev.vlm2vec.serve;

import static dev.vlm2vec.serve.JsonVectors.assertClose;
import static dev.vlm2vec.serve.JsonVectors.floats;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vlm2vec.Embedder;
import dev.vlm2vec.EmbedderControls;
import dev.vlm2vec.EmbedderOptions;
import dev.vlm2vec.Input;
import dev.vlm2vec.Vlm2Vec;
import dev.vlm2vec.ffi.TinyModels;
import dev.vlm2vec.processing.ImageLoader;
import dev.vlm2vec.processing.RgbImage;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server as curl sees it (the machine's curl, as README's examples call it): multimodal
 * inputs, vLLM messages, dimensions, base64, every error status with its headers, the API key,
 * and {@code /metrics} parsed as Prometheus's text format.
 */
class CurlTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path directory;

    private record Reply(int status, String headers, String body) {
        JsonNode json() throws Exception {
            return JSON.readTree(body);
        }

        /** A response header's value (names are case-insensitive; the JDK server writes "Retry-after"). */
        String header(String name) {
            return headers.lines().filter(line -> line.toLowerCase(java.util.Locale.ROOT).startsWith(
                    name.toLowerCase(java.util.Locale.ROOT) + ":")).map(line -> line.substring(line.indexOf(':') + 1).trim())
                    .findFirst().orElse("");
        }

        String errorParam() throws Exception {
            return json().get("error").get("param").asText();
        }
    }

    private int calls;

    /** Starts curl with the arguments; the body and headers go to files, the status to stdout. */
    private Process start(String... arguments) throws Exception {
        int call = calls++;
        List<String> command = new ArrayList<>(List.of("curl", "-sS", "-o", directory.resolve("body" + call).toString(),
                "-D", directory.resolve("headers" + call).toString(), "-w", "%{http_code}|" + call, "--max-time", "60"));
        command.addAll(List.of(arguments));
        return new ProcessBuilder(command).redirectErrorStream(true).start();
    }

    private Reply finish(Process curl) throws Exception {
        String out = new String(curl.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertTrue(curl.waitFor(90, TimeUnit.SECONDS), "curl did not finish");
        assertEquals(0, curl.exitValue(), out);
        String[] statusAndCall = out.substring(out.lastIndexOf('\n') + 1).split("\\|");
        int call = Integer.parseInt(statusAndCall[1]);
        return new Reply(Integer.parseInt(statusAndCall[0]), Files.readString(directory.resolve("headers" + call)),
                Files.readString(directory.resolve("body" + call)));
    }

    private Reply curl(String... arguments) throws Exception {
        return finish(start(arguments));
    }

    /** POST /v1/embeddings with the body, as README's example: key, JSON content type, -d @file. */
    private Reply post(String base, String key, String body) throws Exception {
        Path file = Files.writeString(directory.resolve("request" + calls + ".json"), body);
        List<String> arguments = new ArrayList<>(List.of(base + "/v1/embeddings", "-H", "Content-Type: application/json",
                "-d", "@" + file));
        if (key != null) {
            arguments.addAll(List.of("-H", "Authorization: Bearer " + key));
        }
        return curl(arguments.toArray(String[]::new));
    }

    /** Prometheus text format: one sample per line, {@code name{labels} value}; comments skipped. */
    private static Map<String, Double> samples(String text) {
        Map<String, Double> samples = new HashMap<>();
        Pattern line = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*(\\{[^}]*\\})?) (\\S+)$");
        for (String row : text.split("\n")) {
            if (row.isEmpty() || row.startsWith("#")) {
                continue;
            }
            Matcher matcher = line.matcher(row);
            assertTrue(matcher.matches(), "not a Prometheus sample line: " + row);
            samples.put(matcher.group(1), Double.parseDouble(matcher.group(3)));
        }
        return samples;
    }

    @Test
    void curlGetsOpenAisShapesErrorsAndMetrics() throws Exception {
        Path model = directory.resolve("phi3v");
        TinyModels.write("phi3_v", model, 1, 0);
        BufferedImage picture = new BufferedImage(40, 30, BufferedImage.TYPE_INT_RGB);
        picture.setRGB(5, 5, 0xff8800);
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        ImageIO.write(picture, "png", png);
        String dataUrl = "data:image/png;base64," + Base64.getEncoder().encodeToString(png.toByteArray());
        RgbImage image = ImageLoader.fromDataUrl(dataUrl);
        try (Embedder embedder = Vlm2Vec.load(model, EmbedderOptions.defaults());
                EmbeddingServer server = EmbeddingServer.start(embedder, ServerOptions.defaults("tiny")
                        .withAddress("127.0.0.1", 0).withApiKey("k3y").withLimits(100_000, 3))) {
            String base = "http://127.0.0.1:" + server.port();
            Reply multimodal = post(base, "k3y", "{\"input\": [\"a dog on a beach\", {\"instruction\": \"Represent the given"
                    + " image.\", \"image\": \"" + dataUrl + "\"}], \"model\": \"tiny\"}");
            assertEquals(200, multimodal.status(), multimodal.body());
            assertEquals("application/json", multimodal.header("Content-Type"), multimodal.headers());
            assertEquals("list", multimodal.json().get("object").asText());
            assertClose(embedder.embed(Input.text("a dog on a beach")),
                    floats(multimodal.json().get("data").get(0).get("embedding")));
            assertClose(embedder.embed(Input.of("Represent the given image.", "", image)),
                    floats(multimodal.json().get("data").get(1).get("embedding")));

            Reply messages = post(base, "k3y", "{\"messages\": [{\"role\": \"user\", \"content\": [{\"type\": \"image_url\","
                    + " \"image_url\": {\"url\": \"" + dataUrl + "\"}}, {\"type\": \"text\", \"text\": \"a picture\"}]}]}");
            assertEquals(200, messages.status(), messages.body());
            assertClose(embedder.embed(Input.of(null, "a picture", image)), floats(messages.json().get("data").get(0).get("embedding")));

            Reply shortened = post(base, "k3y", "{\"input\": \"a dog on a beach\", \"dimensions\": 8}");
            float[] prefix = floats(shortened.json().get("data").get(0).get("embedding"));
            assertEquals(8, prefix.length);
            assertClose(dev.vlm2vec.Embeddings.truncate(embedder.embed(Input.text("a dog on a beach")), 8), prefix);

            Reply base64 = post(base, "k3y", "{\"input\": \"a dog on a beach\", \"encoding_format\": \"base64\"}");
            ByteBuffer bytes = ByteBuffer.wrap(Base64.getDecoder().decode(base64.json().get("data").get(0).get("embedding")
                    .asText())).order(ByteOrder.LITTLE_ENDIAN);
            float[] decoded = new float[bytes.remaining() / 4];
            bytes.asFloatBuffer().get(decoded);
            assertClose(embedder.embed(Input.text("a dog on a beach")), decoded);

            // Every error status with its headers (503 and 504 below, on a stalled server).
            assertEquals("input[0].txt", post(base, "k3y", "{\"input\": [{\"txt\": \"a\"}]}").errorParam());
            assertEquals(400, post(base, "k3y", "{\"input\": [{\"txt\": \"a\"}]}").status());
            Reply unauthorized = post(base, null, "{\"input\": \"x\"}");
            assertEquals(401, unauthorized.status());
            assertEquals("Bearer", unauthorized.header("WWW-Authenticate"), unauthorized.headers());
            assertEquals(401, post(base, "wrong", "{\"input\": \"x\"}").status());
            assertEquals(404, post(base, "k3y", "{\"input\": \"x\", \"model\": \"gpt-4\"}").status());
            assertEquals(404, curl(base + "/v2/anything", "-H", "Authorization: Bearer k3y").status());
            Reply wrongMethod = curl(base + "/v1/embeddings", "-H", "Authorization: Bearer k3y");
            assertEquals(405, wrongMethod.status());
            assertEquals("POST", wrongMethod.header("Allow"), wrongMethod.headers());
            assertEquals(413, post(base, "k3y", "{\"input\": [\"a\", \"b\", \"c\", \"d\"]}").status());
            assertEquals(413, post(base, "k3y", "{\"input\": \"" + "x".repeat(100_001) + "\"}").status());

            Reply metrics = curl(base + "/metrics", "-H", "Authorization: Bearer k3y");
            assertEquals(200, metrics.status());
            assertTrue(metrics.header("Content-Type").startsWith("text/plain; version=0.0.4"), metrics.headers());
            Map<String, Double> samples = samples(metrics.body());
            assertEquals(4.0, samples.get("vlm2vec_http_requests_total{route=\"/v1/embeddings\",status=\"200\"}"), metrics.body());
            assertEquals(2.0, samples.get("vlm2vec_http_requests_total{route=\"/v1/embeddings\",status=\"401\"}"), metrics.body());
            assertEquals(2.0, samples.get("vlm2vec_http_requests_total{route=\"/v1/embeddings\",status=\"413\"}"), metrics.body());
            assertEquals(1.0, samples.get("vlm2vec_http_requests_total{route=\"other\",status=\"404\"}"), metrics.body());
            assertEquals(2.0, samples.get("vlm2vec_images_total"), metrics.body());
            assertEquals(5.0, samples.get("vlm2vec_inputs_total"), metrics.body());  // inputs of answered requests
            assertTrue(samples.get("vlm2vec_prompt_tokens_total") > 5 * 4, metrics.body());
            assertTrue(samples.get("vlm2vec_batch_size_count") >= 4 && samples.containsKey("vlm2vec_queue_depth"), metrics.body());
            // 4 answered, 2 x 400, 2 x 401, a 404, a 405, 2 x 413 on the route; the unknown route is "other".
            assertEquals(12.0, samples.get("vlm2vec_http_request_duration_seconds_count{route=\"/v1/embeddings\"}"), metrics.body());
        }
    }

    @Test
    void curlSeesAFullQueueAs503AndATimeoutAs504() throws Exception {
        Path model = directory.resolve("phi3v");
        TinyModels.write("phi3_v", model, 1, 0);
        try (Embedder small = Vlm2Vec.load(model, EmbedderOptions.defaults().withBatching(1, Duration.ZERO, 1)
                        .withTimeouts(Duration.ofMillis(100), Duration.ofMillis(1500)));
                EmbeddingServer server = EmbeddingServer.start(small, ServerOptions.defaults("tiny").withAddress("127.0.0.1", 0))) {
            String url = "http://127.0.0.1:" + server.port() + "/v1/embeddings";
            EmbedderControls.dispatchGate(small).acquire();  // the dispatcher stalls before its next batch
            try {
                Process taken = start(url, "-d", "{\"input\": \"taken by the dispatcher\"}");
                Thread.sleep(500);
                Process queued = start(url, "-d", "{\"input\": \"queued\"}");
                Thread.sleep(500);
                Reply full = curl(url, "-d", "{\"input\": \"no room\"}");
                assertEquals(503, full.status(), full.body());
                assertEquals("1", full.header("Retry-After"), full.headers());
                assertEquals("server_overloaded", full.json().get("error").get("type").asText());
                Reply late = finish(queued);
                assertEquals(504, late.status(), late.body());
                assertTrue(late.json().get("error").get("message").asText().contains("no embedding within PT1.5S"), late.body());
                assertEquals(504, finish(taken).status());
            } finally {
                EmbedderControls.dispatchGate(small).release();
            }
        }
    }
}
