package dev.vlm2vec.serve;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.vlm2vec.Embedder;
import dev.vlm2vec.Embeddings;
import dev.vlm2vec.ffi.NativeException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.jspecify.annotations.NullMarked;

/**
 * An OpenAI-compatible embeddings server over an {@link Embedder}: {@code POST /v1/embeddings},
 * {@code GET /v1/models}, {@code GET /info} (the model and the limits), {@code GET /health} (the
 * process is up), {@code GET /ready} (the embedder is warmed up) and {@code GET /metrics}
 * (Prometheus). It runs on the JDK's own HTTP server with one virtual thread per exchange: a
 * request waits for its embeddings without holding a platform thread, and the Embedder's
 * dispatcher batches the inputs of concurrent requests together.
 */
@NullMarked
public final class EmbeddingServer implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Embedder embedder;
    private final ServerOptions options;
    private final HttpServer server;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final long created = Instant.now().getEpochSecond();
    private final ServerMetrics metrics;
    private volatile boolean ready;
    // Set when shutting down: a request that arrives from then on (on a kept-alive connection:
    // the listener is closed) is refused with 503 instead of accepted.
    private volatile boolean draining;
    // Accepted requests whose handler has not finished; responses delivered, and responses that
    // could not be (the connection closed under them): what shutDown() reports, so a stop
    // under load shows that no accepted request was dropped.
    private final AtomicInteger inFlight = new AtomicInteger();
    private final LongAdder answered = new LongAdder();
    private final LongAdder undelivered = new LongAdder();

    private EmbeddingServer(Embedder embedder, ServerOptions options) throws IOException {
        this.embedder = embedder;
        this.options = options;
        this.metrics = new ServerMetrics(embedder);
        this.server = HttpServer.create(new InetSocketAddress(options.host(), options.port()), 0);
        server.setExecutor(executor);
        server.createContext("/", this::handle);
    }

    /** Listens at once (health answers), then warms the embedder up before it reports ready. */
    public static EmbeddingServer start(Embedder embedder, ServerOptions options) throws IOException {
        EmbeddingServer server = new EmbeddingServer(embedder, options);
        server.server.start();
        embedder.warmUp();
        server.ready = true;
        return server;
    }

    /** The port it listens on (the chosen one when started with port 0). */
    public int port() {
        return server.getAddress().getPort();
    }

    public boolean ready() {
        return ready && embedder.ready();
    }

    /**
     * What a shutdown did, over the server's life: accepted requests answered; accepted requests
     * whose response could not be delivered (the client or the network went away); and accepted
     * requests still running when the grace period ran out (their connections were closed).
     */
    public record Shutdown(long answered, long undelivered, int abandoned) {}

    /**
     * Stops accepting connections and waits up to the grace period for the exchanges in
     * progress; the Embedder stays open (its owner closes it).
     */
    @Override
    public void close() {
        shutDown();
    }

    /**
     * As {@link #close}, and says how it went. The JDK server's stop() alone would not do: it
     * goes on reading requests from kept-alive connections and closes them all as soon as no
     * exchange is running, which can cut a request it had just taken; so requests that arrive
     * once draining has begun are refused (503, Retry-After, Connection: close) and only those
     * accepted before are waited for.
     */
    public Shutdown shutDown() {
        ready = false;
        draining = true;
        server.stop((int) Math.max(0, Math.min(Integer.MAX_VALUE, options.gracePeriod().toSeconds())));
        // The JDK server counts an exchange done when it is closed, a moment before the handler's
        // own bookkeeping (answered, inFlight) runs: give finished handlers that moment.
        long deadline = System.nanoTime() + 1_000_000_000L;
        while (inFlight.get() > 0 && System.nanoTime() < deadline) {
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        int abandoned = inFlight.get();
        // Handlers left past the grace period would only fail on their closed connections.
        if (abandoned > 0) {
            executor.shutdownNow();
        }
        executor.close();
        return new Shutdown(answered.sum(), undelivered.sum(), abandoned);
    }

    private void handle(HttpExchange exchange) throws IOException {
        long start = System.nanoTime();
        if (draining) {
            refuseWhileStopping(exchange, start);
            return;
        }
        inFlight.incrementAndGet();
        String path = exchange.getRequestURI().getPath();
        boolean delivered = false;
        try {
            try (exchange) {
                respond(exchange, path);
            }
            delivered = true;  // closing the exchange flushed the response
        } finally {
            (delivered ? answered : undelivered).increment();
            inFlight.decrementAndGet();
            metrics.request(path, exchange.getResponseCode(), System.nanoTime() - start);
        }
    }

    private void respond(HttpExchange exchange, String path) throws IOException {
        String method = exchange.getRequestMethod();
        try {
            switch (path) {
                case "/health" -> {
                    requireMethod(exchange, "GET");
                    send(exchange, 200, JSON.createObjectNode().put("status", "ok"));
                }
                case "/ready" -> {
                    requireMethod(exchange, "GET");
                    boolean isReady = ready();
                    send(exchange, isReady ? 200 : 503, JSON.createObjectNode().put("status", isReady ? "ready"
                            : embedder.healthy() ? "warming up" : "the embedder stopped"));
                }
                case "/info" -> {
                    requireMethod(exchange, "GET");
                    authorize(exchange);
                    send(exchange, 200, info());
                }
                case "/v1/models" -> {
                    requireMethod(exchange, "GET");
                    authorize(exchange);
                    send(exchange, 200, models());
                }
                case "/metrics" -> {
                    requireMethod(exchange, "GET");
                    authorize(exchange);
                    java.io.ByteArrayOutputStream text = new java.io.ByteArrayOutputStream();
                    metrics.write(text);
                    exchange.getResponseHeaders().set("Content-Type", metrics.contentType());
                    exchange.sendResponseHeaders(200, text.size());
                    try (OutputStream out = exchange.getResponseBody()) {
                        text.writeTo(out);
                    }
                }
                case "/v1/embeddings" -> {
                    requireMethod(exchange, "POST");
                    authorize(exchange);
                    send(exchange, 200, embeddings(readBody(exchange)));
                }
                default -> throw new ApiError(404, "not_found_error", null, null, "no route " + method + " " + path
                        + " (routes: POST /v1/embeddings, GET /v1/models, GET /info, GET /health, GET /ready, GET /metrics)");
            }
        } catch (ApiError e) {
            sendError(exchange, e);
        } catch (RejectedExecutionException e) {
            exchange.getResponseHeaders().set("Retry-After", "1");
            sendError(exchange, new ApiError(503, "server_overloaded", null, null, e.getMessage()));
        } catch (Embedder.EmbeddingTimeoutException e) {
            sendError(exchange, new ApiError(504, "timeout", null, null, e.getMessage()));
        } catch (IllegalArgumentException e) {
            // An input the encoder refuses (e.g. more image tags than images).
            sendError(exchange, ApiError.invalid("input", String.valueOf(e.getMessage())));
        } catch (NativeException e) {
            sendError(exchange, new ApiError(500, "server_error", null, null, "the model failed: " + e.getMessage()));
        } catch (IOException e) {
            throw e;  // the client went away; nothing to answer
        } catch (RuntimeException e) {
            sendError(exchange, new ApiError(500, "server_error", null, null, "internal error: " + e));
        }
    }

    private void refuseWhileStopping(HttpExchange exchange, long start) throws IOException {
        try (exchange) {
            exchange.getResponseHeaders().set("Retry-After", "1");
            exchange.getResponseHeaders().set("Connection", "close");
            sendError(exchange, new ApiError(503, "server_shutting_down", null, null,
                    "the server is shutting down; send the request to another instance or retry"));
        } finally {
            metrics.request(exchange.getRequestURI().getPath(), exchange.getResponseCode(), System.nanoTime() - start);
        }
    }

    // What TEI's /info tells an operator: the model, its width, and the limits this server applies.
    private ObjectNode info() {
        dev.vlm2vec.ffi.ModelInfo model = embedder.model().info();
        dev.vlm2vec.EmbedderOptions batching = embedder.options();
        return JSON.createObjectNode().put("model_id", options.modelName()).put("model_type", model.architecture())
                .put("dimension", embedder.dimension()).put("device", model.device()).put("dtype", model.dtype().cliName())
                .put("max_batch_size", batching.maxBatchSize()).put("queue_capacity", batching.queueCapacity())
                .put("max_input_length", batching.maxLength()).put("max_request_bytes", options.maxRequestBytes())
                .put("max_inputs", options.maxInputs()).put("image_urls", options.imageFetcher() != null)
                .put("version", dev.vlm2vec.ProjectVersion.get());
    }

    private ObjectNode models() {
        ObjectNode root = JSON.createObjectNode().put("object", "list");
        root.putArray("data").addObject().put("id", options.modelName()).put("object", "model").put("created", created)
                .put("owned_by", "vlm2vec");
        return root;
    }

    private ObjectNode embeddings(byte[] body) {
        JsonNode json;
        try {
            json = JSON.readTree(body);
        } catch (JsonProcessingException e) {
            throw ApiError.invalid(null, "the request body is not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw ApiError.invalid(null, "the request body cannot be read: " + e.getMessage());
        }
        if (json == null) {
            throw ApiError.invalid(null, "the request body is empty; send a JSON object with 'input'");
        }
        EmbeddingsRequest request = EmbeddingsRequest.parse(json,
                new EmbeddingsRequest.ImageSource(embedder.options().images(), options.imageFetcher()), options.maxInputs());
        if (request.model() != null && !request.model().equals(options.modelName())) {
            throw new ApiError(404, "invalid_request_error", "model", "model_not_found", "the model '" + request.model()
                    + "' does not exist; this server serves '" + options.modelName() + "'");
        }
        int dimension = embedder.dimension();
        Integer dimensions = request.dimensions();
        if (dimensions != null && dimensions > dimension) {
            throw ApiError.invalid("dimensions", "dimensions " + dimensions + " is more than the model's " + dimension);
        }
        // Every input is queued before any is awaited, so one request's inputs share batches.
        List<Embedder.Submission> submissions = new ArrayList<>();
        for (int i = 0; i < request.inputs().size(); i++) {
            try {
                submissions.add(embedder.enqueue(request.inputs().get(i)));
            } catch (IllegalArgumentException e) {
                // The request fails as a whole: the inputs already queued need not be computed.
                submissions.forEach(submission -> submission.embedding().cancel(false));
                String where = request.inputs().size() == 1 ? "input" : "input[" + i + "]";
                throw ApiError.invalid(where, where + ": " + e.getMessage());
            }
        }
        ObjectNode root = JSON.createObjectNode().put("object", "list");
        ArrayNode data = root.putArray("data");
        long tokens = 0;
        for (int i = 0; i < submissions.size(); i++) {
            float[] vector = embedder.await(submissions.get(i).embedding());
            if (dimensions != null) {
                vector = Embeddings.truncate(vector, dimensions);
            }
            ObjectNode item = data.addObject().put("object", "embedding").put("index", i);
            if (request.base64()) {
                item.put("embedding", littleEndianBase64(vector));
            } else {
                ArrayNode values = item.putArray("embedding");
                for (float value : vector) {
                    values.add(value);
                }
            }
            tokens += submissions.get(i).tokens();
        }
        root.put("model", options.modelName());
        root.putObject("usage").put("prompt_tokens", tokens).put("total_tokens", tokens);
        metrics.embedded(submissions.size(), tokens, request.inputs().stream().mapToInt(input -> input.images().size()).sum());
        return root;
    }

    /** OpenAI's base64 encoding: the float32 values, little-endian, base64 encoded. */
    static String littleEndianBase64(float[] vector) {
        ByteBuffer bytes = ByteBuffer.allocate(vector.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        bytes.asFloatBuffer().put(vector);
        return Base64.getEncoder().encodeToString(bytes.array());
    }

    private void authorize(HttpExchange exchange) {
        String key = options.apiKey();
        if (key == null) {
            return;
        }
        String header = exchange.getRequestHeaders().getFirst("Authorization");
        String given = header != null && header.startsWith("Bearer ") ? header.substring(7).strip() : "";
        // Constant time: the comparison must not tell an attacker how much of a guess was right.
        if (!MessageDigest.isEqual(given.getBytes(StandardCharsets.UTF_8), key.getBytes(StandardCharsets.UTF_8))) {
            exchange.getResponseHeaders().set("WWW-Authenticate", "Bearer");
            throw new ApiError(401, "invalid_request_error", null, "invalid_api_key", header == null
                    ? "no API key: send the header 'Authorization: Bearer KEY'" : "the API key is not valid");
        }
    }

    private static void requireMethod(HttpExchange exchange, String method) {
        if (!exchange.getRequestMethod().equals(method)) {
            exchange.getResponseHeaders().set("Allow", method);
            throw new ApiError(405, "invalid_request_error", null, null, exchange.getRequestURI().getPath() + " takes "
                    + method + ", not " + exchange.getRequestMethod());
        }
    }

    private byte[] readBody(HttpExchange exchange) throws IOException {
        long limit = options.maxRequestBytes();
        String length = exchange.getRequestHeaders().getFirst("Content-Length");
        if (length != null && length.matches("\\d{1,18}") && Long.parseLong(length) > limit) {
            throw ApiError.tooLarge(null, "the request body is " + length + " bytes, more than this server's"
                    + " --max-request-bytes " + limit);
        }
        try (InputStream in = exchange.getRequestBody()) {
            byte[] body = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, limit + 1));
            if (body.length > limit) {
                throw ApiError.tooLarge(null, "the request body is more than this server's --max-request-bytes " + limit);
            }
            return body;
        }
    }

    private static void send(HttpExchange exchange, int status, JsonNode body) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(body);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static void sendError(HttpExchange exchange, ApiError error) throws IOException {
        send(exchange, error.status, error.body(JSON));
    }

    @Override
    public String toString() {
        return "EmbeddingServer[" + options.host() + ":" + port() + ", " + options.modelName() + "]";
    }
}
