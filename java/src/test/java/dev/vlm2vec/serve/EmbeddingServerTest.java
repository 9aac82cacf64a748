package dev.vlm2vec.serve;

import static dev.vlm2vec.serve.JsonVectors.assertClose;
import static dev.vlm2vec.serve.JsonVectors.floats;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The OpenAI-compatible server over a tiny model, through the JDK's HTTP client on loopback. */
class EmbeddingServerTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient CLIENT = HttpClient.newHttpClient();

    @TempDir
    static Path models;

    static Embedder embedder;
    static EmbeddingServer server;
    static String base;

    @BeforeAll
    static void start() throws Exception {
        TinyModels.write("phi3_v", models.resolve("phi3v"), 1, 0);
        embedder = Vlm2Vec.load(models.resolve("phi3v"), EmbedderOptions.defaults()
                .withImages(EmbedderOptions.defaults().images().withMaxPixels(10_000)));
        server = EmbeddingServer.start(embedder, ServerOptions.defaults("tiny").withAddress("127.0.0.1", 0)
                .withApiKey("s3cret").withLimits(200_000, 4));
        base = "http://127.0.0.1:" + server.port();
    }

    @AfterAll
    static void stop() {
        server.close();
        embedder.close();
    }

    private static HttpResponse<String> post(String path, String body, String key) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).POST(HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/json");
        if (key != null) {
            request.header("Authorization", "Bearer " + key);
        }
        return CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode ok(String body) throws Exception {
        HttpResponse<String> response = post("/v1/embeddings", body, "s3cret");
        assertEquals(200, response.statusCode(), response.body());
        return JSON.readTree(response.body());
    }

    /** The status, and the error's message, of a request that must fail. */
    private static String error(int status, String body) throws Exception {
        HttpResponse<String> response = post("/v1/embeddings", body, "s3cret");
        assertEquals(status, response.statusCode(), response.body());
        JsonNode error = JSON.readTree(response.body()).get("error");
        assertTrue(error.get("message").isTextual() && error.has("type") && error.has("param") && error.has("code"), response.body());
        assertTrue(!response.body().contains("\tat "), "a stack trace in " + response.body());
        return error.get("message").asText() + " | param=" + error.get("param").asText();
    }

    private static String pngDataUrl(int width, int height) throws Exception {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                image.setRGB(x, y, (x * 40) << 16 | (y * 30) << 8 | 90);
            }
        }
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        ImageIO.write(image, "png", png);
        return "data:image/png;base64," + Base64.getEncoder().encodeToString(png.toByteArray());
    }

    @Test
    void stringsEmbedAsTheEmbedderDoesInOpenAisShape() throws Exception {
        JsonNode one = ok("{\"input\": \"a dog on a beach\", \"model\": \"tiny\"}");
        assertEquals("list", one.get("object").asText());
        assertEquals("tiny", one.get("model").asText());
        assertEquals("embedding", one.get("data").get(0).get("object").asText());
        assertEquals(0, one.get("data").get(0).get("index").asInt());
        assertClose(embedder.embed(Input.text("a dog on a beach")), floats(one.get("data").get(0).get("embedding")));
        int tokens = embedder.enqueue(Input.text("a dog on a beach")).tokens();
        assertEquals(tokens, one.get("usage").get("prompt_tokens").asInt());
        assertEquals(tokens, one.get("usage").get("total_tokens").asInt());

        JsonNode two = ok("{\"input\": [\"first\", \"second text\"]}");
        assertEquals(2, two.get("data").size());
        assertEquals(1, two.get("data").get(1).get("index").asInt());
        assertClose(embedder.embed(Input.text("second text")), floats(two.get("data").get(1).get("embedding")));

        JsonNode base64 = ok("{\"input\": [\"first\"], \"encoding_format\": \"base64\"}");
        byte[] bytes = Base64.getDecoder().decode(base64.get("data").get(0).get("embedding").asText());
        float[] decoded = new float[bytes.length / 4];
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(decoded);
        assertClose(floats(ok("{\"input\": [\"first\"]}").get("data").get(0).get("embedding")), decoded);
    }

    @Test
    void imagesAsObjectsAndAsVllmMessagesEmbedAsTheEmbedderDoes() throws Exception {
        String url = pngDataUrl(40, 30);
        RgbImage image = ImageLoader.fromDataUrl(url);
        ObjectNode body = JSON.createObjectNode();
        ArrayNode input = body.putArray("input");
        input.addObject().put("instruction", "Represent the given image.").put("text", "").put("image", url);
        input.addObject().put("text", "two pictures").putArray("images").add(url).add(url.substring(url.indexOf(',') + 1));
        JsonNode response = ok(body.toString());
        assertClose(embedder.embed(Input.of("Represent the given image.", "", image)),
                floats(response.get("data").get(0).get("embedding")));
        assertClose(embedder.embed(Input.of(null, "two pictures", image, image)),
                floats(response.get("data").get(1).get("embedding")));
        assertTrue(response.get("usage").get("prompt_tokens").asInt() > 2 * 50, "image tokens are counted: " + response.get("usage"));

        ObjectNode chat = JSON.createObjectNode();
        ArrayNode content = chat.putArray("messages").addObject().put("role", "user").putArray("content");
        content.addObject().put("type", "image_url").putObject("image_url").put("url", url);
        content.addObject().put("type", "text").put("text", "Represent the given image.");
        assertClose(embedder.embed(Input.of(null, "Represent the given image.", image)),
                floats(ok(chat.toString()).get("data").get(0).get("embedding")));
    }

    @Test
    void imageUrlsAreFetchedWhenAllowedWithinTheirLimits() throws Exception {
        byte[] picture = Base64.getDecoder().decode(pngDataUrl(40, 30).substring("data:image/png;base64,".length()));
        BufferedImage noise = new BufferedImage(90, 100, BufferedImage.TYPE_INT_RGB);
        java.util.SplittableRandom random = new java.util.SplittableRandom(5);
        for (int y = 0; y < noise.getHeight(); y++) {
            for (int x = 0; x < noise.getWidth(); x++) {
                noise.setRGB(x, y, random.nextInt(1 << 24));
            }
        }
        ByteArrayOutputStream noisy = new ByteArrayOutputStream();
        ImageIO.write(noise, "png", noisy);
        byte[] large = noisy.toByteArray();
        assertTrue(large.length > 10_000 && picture.length < 10_000, large.length + " / " + picture.length);
        // The image host: a picture, a large one (declared, and streamed without a length), a slow one, a redirect, a 404.
        com.sun.net.httpserver.HttpServer images = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress("127.0.0.1", 0), 0);
        images.createContext("/", exchange -> {
            try (exchange) {
                switch (exchange.getRequestURI().getPath()) {
                    case "/pic.png" -> {
                        exchange.sendResponseHeaders(200, picture.length);
                        exchange.getResponseBody().write(picture);
                    }
                    case "/large.png" -> {
                        exchange.sendResponseHeaders(200, large.length);
                        exchange.getResponseBody().write(large);
                    }
                    case "/streamed.png" -> {
                        exchange.sendResponseHeaders(200, 0);
                        exchange.getResponseBody().write(large);
                    }
                    case "/slow.png" -> {
                        try {
                            Thread.sleep(3000);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                        exchange.sendResponseHeaders(200, picture.length);
                        exchange.getResponseBody().write(picture);
                    }
                    case "/moved" -> {
                        exchange.getResponseHeaders().set("Location", "/pic.png");
                        exchange.sendResponseHeaders(302, -1);
                    }
                    default -> exchange.sendResponseHeaders(404, -1);
                }
            } catch (java.io.IOException e) {
                // the fetcher gave up on a slow or large answer
            }
        });
        images.setExecutor(java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor());
        images.start();
        String host = "http://127.0.0.1:" + images.getAddress().getPort();
        try (EmbeddingServer fetching = EmbeddingServer.start(embedder, ServerOptions.defaults("tiny").withAddress("127.0.0.1", 0)
                .withImageFetcher(new dev.vlm2vec.processing.ImageFetcher(Duration.ofSeconds(1), 10_000)))) {
            URI endpoint = URI.create("http://127.0.0.1:" + fetching.port() + "/v1/embeddings");
            java.util.function.Function<String, HttpResponse<String>> send = body -> {
                try {
                    return CLIENT.send(HttpRequest.newBuilder(endpoint).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                            HttpResponse.BodyHandlers.ofString());
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            };
            RgbImage expected = ImageLoader.decode(picture, "the picture");
            HttpResponse<String> object = send.apply("{\"input\": [{\"image\": \"" + host + "/pic.png\"}]}");
            assertEquals(200, object.statusCode(), object.body());
            assertClose(embedder.embed(Input.of(null, "", expected)), floats(JSON.readTree(object.body()).get("data").get(0).get("embedding")));
            HttpResponse<String> chat = send.apply("{\"messages\": [{\"role\": \"user\", \"content\": [{\"type\": \"image_url\","
                    + " \"image_url\": {\"url\": \"" + host + "/pic.png\"}}, {\"type\": \"text\", \"text\": \"a picture\"}]}]}");
            assertEquals(200, chat.statusCode(), chat.body());
            assertClose(embedder.embed(Input.of(null, "a picture", expected)), floats(JSON.readTree(chat.body()).get("data").get(0).get("embedding")));
            String[][] failures = {
                {"/large.png", "413", "is " + large.length + " bytes, more than the cap of 10000 bytes for an image URL"},
                {"/streamed.png", "413", "is more than 10000 bytes"},
                {"/slow.png", "400", "did not answer within PT1S"},
                {"/moved", "400", "answered HTTP 302 (a redirect; redirects are not followed)"},
                {"/missing.png", "400", "answered HTTP 404"},
            };
            for (String[] failure : failures) {
                HttpResponse<String> response = send.apply("{\"input\": [{\"image\": \"" + host + failure[0] + "\"}]}");
                assertEquals(Integer.parseInt(failure[1]), response.statusCode(), failure[0] + ": " + response.body());
                JsonNode error = JSON.readTree(response.body()).get("error");
                assertTrue(error.get("message").asText().startsWith("input[0].image: " + host + failure[0])
                        && error.get("message").asText().contains(failure[2]) && error.get("param").asText().equals("input[0].image"),
                        failure[0] + ": " + response.body());
            }
        } finally {
            images.stop(0);
        }
    }

    @Test
    void dimensionsTruncateAndRenormalise() throws Exception {
        float[] full = embedder.embed(Input.text("short"));
        float[] eight = floats(ok("{\"input\": \"short\", \"dimensions\": 8}").get("data").get(0).get("embedding"));
        assertEquals(8, eight.length);
        double norm = 0, scale = 0;
        for (int i = 0; i < 8; i++) {
            norm += eight[i] * eight[i];
            scale += full[i] * full[i];
        }
        assertEquals(1, norm, 1e-5);
        for (int i = 0; i < 8; i++) {
            assertEquals(full[i] / Math.sqrt(scale), eight[i], 1e-6);
        }
        assertTrue(error(400, "{\"input\": \"x\", \"dimensions\": 100000}").contains("more than the model's 64"));
        assertTrue(error(400, "{\"input\": \"x\", \"dimensions\": 0}").contains("param=dimensions"));
    }

    @Test
    void badRequestsNameTheFieldWithTheRightStatus() throws Exception {
        assertTrue(error(400, "{\"input\": ").startsWith("the request body is not valid JSON"));
        assertTrue(error(400, "{\"inputs\": \"x\"}").startsWith("unknown field 'inputs'"));
        assertTrue(error(400, "{}").startsWith("give exactly one of 'input' and 'messages'"));
        assertTrue(error(400, "{\"input\": \"x\", \"messages\": []}").startsWith("give exactly one"));
        assertTrue(error(400, "{\"input\": []}").contains("empty array"));
        assertTrue(error(400, "{\"input\": [[1, 2, 3]]}").contains("token ids"));
        assertTrue(error(400, "{\"input\": [{\"txt\": \"a\"}]}").contains("param=input[0].txt"));
        assertTrue(error(400, "{\"input\": \"x\", \"encoding_format\": \"int8\"}").contains("param=encoding_format"));
        String ssrf = error(400, "{\"input\": [{\"image\": \"http://169.254.169.254/latest\"}]}");
        assertTrue(ssrf.contains("does not fetch URLs (server-side request forgery)") && ssrf.contains("param=input[0].image"), ssrf);
        assertTrue(error(400, "{\"input\": [{\"image\": \"not base64 at all!\"}]}").contains("param=input[0].image"));
        String undecodable = error(400, "{\"input\": [{\"image\": \"" + Base64.getEncoder().encodeToString(new byte[] {1, 2, 3}) + "\"}]}");
        assertTrue(undecodable.startsWith("input[0].image is not an image"), undecodable);
        assertTrue(error(404, "{\"input\": \"x\", \"model\": \"gpt-4\"}").contains("this server serves 'tiny'"));

        // 413: over the pixel cap (10,000 here), over --max-inputs (4 here), over --max-request-bytes (200,000 here).
        assertTrue(error(413, "{\"input\": [{\"image\": \"" + pngDataUrl(200, 100) + "\"}]}").contains("more than the cap of 10,000"));
        assertTrue(error(413, "{\"input\": [\"a\", \"b\", \"c\", \"d\", \"e\"]}").contains("--max-inputs 4"));
        assertTrue(error(413, "{\"input\": \"" + "x".repeat(300_000) + "\"}").contains("--max-request-bytes 200000"));

        assertEquals(405, CLIENT.send(HttpRequest.newBuilder(URI.create(base + "/v1/embeddings")).GET().build(),
                HttpResponse.BodyHandlers.ofString()).statusCode());
        assertEquals(404, post("/v2/embeddings", "{}", "s3cret").statusCode());
    }

    @Test
    void theApiKeyIsRequiredOnTheApiButNotOnTheProbes() throws Exception {
        HttpResponse<String> none = post("/v1/embeddings", "{\"input\": \"x\"}", null);
        assertEquals(401, none.statusCode());
        assertEquals("Bearer", none.headers().firstValue("WWW-Authenticate").orElse(""));
        assertTrue(none.body().contains("invalid_api_key"), none.body());
        assertEquals(401, post("/v1/embeddings", "{\"input\": \"x\"}", "s3creT").statusCode());
        HttpResponse<String> models = CLIENT.send(HttpRequest.newBuilder(URI.create(base + "/v1/models"))
                .header("Authorization", "Bearer s3cret").build(), HttpResponse.BodyHandlers.ofString());
        assertEquals("tiny", JSON.readTree(models.body()).get("data").get(0).get("id").asText());
        assertEquals(401, CLIENT.send(HttpRequest.newBuilder(URI.create(base + "/info")).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode());
        JsonNode info = JSON.readTree(CLIENT.send(HttpRequest.newBuilder(URI.create(base + "/info"))
                .header("Authorization", "Bearer s3cret").build(), HttpResponse.BodyHandlers.ofString()).body());
        assertEquals("tiny", info.get("model_id").asText());
        assertEquals("phi3_v", info.get("model_type").asText());
        assertEquals(64, info.get("dimension").asInt());
        assertEquals(4, info.get("max_inputs").asInt());
        assertEquals(200_000, info.get("max_request_bytes").asLong());
        assertEquals(EmbedderOptions.defaults().maxBatchSize(), info.get("max_batch_size").asInt());
        assertTrue(!info.get("image_urls").asBoolean() && info.get("version").asText().equals(System.getProperty("vlm2vec.test.projectVersion")),
                info.toString());
        for (String probe : new String[] {"/health", "/ready"}) {
            HttpResponse<String> response = CLIENT.send(HttpRequest.newBuilder(URI.create(base + probe)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, response.statusCode(), probe + ": " + response.body());
        }
    }

    private static String metrics() throws Exception {
        HttpResponse<String> response = CLIENT.send(HttpRequest.newBuilder(URI.create(base + "/metrics"))
                .header("Authorization", "Bearer s3cret").build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
        assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("text/plain; version=0.0.4"));
        return response.body();
    }

    /** The value of one sample line (name and labels exactly as Prometheus's text format writes them); 0 if absent. */
    private static double sample(String metrics, String series) {
        return metrics.lines().filter(line -> line.startsWith(series + " ")).mapToDouble(line ->
                Double.parseDouble(line.substring(series.length() + 1).trim())).findFirst().orElse(0);
    }

    @Test
    void metricsCountRequestsTokensBatchesAndTheQueue() throws Exception {
        String before = metrics();
        String url = pngDataUrl(20, 20);
        ok("{\"input\": [\"one\", \"two\"]}");
        ok("{\"input\": [{\"text\": \"three\", \"image\": \"" + url + "\"}]}");
        error(400, "{\"input\": []}");
        String after = metrics();
        String ok200 = "vlm2vec_http_requests_total{route=\"/v1/embeddings\",status=\"200\"}";
        String bad400 = "vlm2vec_http_requests_total{route=\"/v1/embeddings\",status=\"400\"}";
        assertEquals(2, sample(after, ok200) - sample(before, ok200), after);
        assertEquals(1, sample(after, bad400) - sample(before, bad400), after);
        assertEquals(3, sample(after, "vlm2vec_inputs_total") - sample(before, "vlm2vec_inputs_total"));
        assertEquals(1, sample(after, "vlm2vec_images_total") - sample(before, "vlm2vec_images_total"));
        int tokens = embedder.enqueue(Input.text("one")).tokens() + embedder.enqueue(Input.text("two")).tokens()
                + embedder.enqueue(Input.of(null, "three", ImageLoader.fromDataUrl(url))).tokens();
        assertEquals(tokens, sample(after, "vlm2vec_prompt_tokens_total") - sample(before, "vlm2vec_prompt_tokens_total"), after);
        assertTrue(sample(after, "vlm2vec_batch_size_count") - sample(before, "vlm2vec_batch_size_count") >= 2, after);
        assertTrue(after.contains("vlm2vec_http_request_duration_seconds_bucket{route=\"/v1/embeddings\",le=\"0.005\"}"), after);
        assertEquals(0, sample(after, "vlm2vec_queue_depth"), after);
        assertEquals(401, CLIENT.send(HttpRequest.newBuilder(URI.create(base + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode());
    }

    /** A stalled model: a full queue is 503 with Retry-After, a request past its timeout 504; a shutdown finishes what is in flight. */
    @Test
    void overloadTimeoutsAndAGracefulShutdown() throws Exception {
        try (Embedder small = Vlm2Vec.load(models.resolve("phi3v"), EmbedderOptions.defaults()
                .withBatching(1, Duration.ZERO, 1).withTimeouts(Duration.ofMillis(100), Duration.ofMillis(1500)))) {
            EmbeddingServer stalled = EmbeddingServer.start(small, ServerOptions.defaults("tiny").withAddress("127.0.0.1", 0)
                    .withGracePeriod(Duration.ofSeconds(20)));
            String url = "http://127.0.0.1:" + stalled.port() + "/v1/embeddings";
            java.util.function.Function<String, CompletableFuture<HttpResponse<String>>> send = text -> CLIENT.sendAsync(
                    HttpRequest.newBuilder(URI.create(url)).POST(HttpRequest.BodyPublishers.ofString("{\"input\": \"" + text + "\"}"))
                            .build(), HttpResponse.BodyHandlers.ofString());
            EmbedderControls.dispatchGate(small).acquire();
            CompletableFuture<HttpResponse<String>> taken = send.apply("taken by the dispatcher");
            Thread.sleep(300);
            CompletableFuture<HttpResponse<String>> queued = send.apply("queued");
            Thread.sleep(300);
            HttpResponse<String> full = send.apply("no room").get(30, TimeUnit.SECONDS);
            assertEquals(503, full.statusCode(), full.body());
            assertEquals("1", full.headers().firstValue("Retry-After").orElse(""));
            HttpResponse<String> late = queued.get(30, TimeUnit.SECONDS);
            assertEquals(504, late.statusCode(), late.body());
            assertTrue(late.body().contains("no embedding within PT1.5S"), late.body());

            assertEquals(504, taken.get(30, TimeUnit.SECONDS).statusCode());
            // Unstalled, the dispatcher works through what it holds; a request that comes back 200 has
            // waited behind all of it (first in, first out), so the queue is empty again.
            EmbedderControls.dispatchGate(small).release();
            assertEquals(200, send.apply("drain").get(30, TimeUnit.SECONDS).statusCode());

            // In flight when the shutdown begins: it is answered before the server goes.
            EmbedderControls.dispatchGate(small).acquire();
            CompletableFuture<HttpResponse<String>> inFlight = send.apply("in flight");
            Thread.sleep(300);
            CompletableFuture<Void> closing = CompletableFuture.runAsync(stalled::close);
            Thread.sleep(300);
            EmbedderControls.dispatchGate(small).release();
            assertEquals(200, inFlight.get(30, TimeUnit.SECONDS).statusCode());
            closing.get(30, TimeUnit.SECONDS);
            assertTrue(send.apply("after").handle((response, failure) -> failure != null).get(30, TimeUnit.SECONDS),
                    "a closed server refuses connections");
        }
    }
}
