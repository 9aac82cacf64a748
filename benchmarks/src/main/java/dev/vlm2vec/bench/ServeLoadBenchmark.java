package dev.vlm2vec.bench;

import dev.vlm2vec.Embedder;
import dev.vlm2vec.EmbedderOptions;
import dev.vlm2vec.Input;
import dev.vlm2vec.Vlm2Vec;
import dev.vlm2vec.ffi.TinyModels;
import dev.vlm2vec.processing.ImageLoader;
import dev.vlm2vec.serve.EmbeddingServer;
import dev.vlm2vec.serve.ServerOptions;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.imageio.ImageIO;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * {@code vlm2vec serve} under load against the same work in process, side by side: as many
 * concurrent clients as JMH threads, each a closed loop (send, wait, send again), on the tiny
 * Phi-3.5-V model over loopback. {@code path=http}: one {@code POST /v1/embeddings} per call
 * (one input; its own HTTP/1.1 connection per client, JSON out and in, base64 PNG for an
 * image); {@code path=in-process}: {@code Embedder.embed} on the same input (an image decoded
 * from the same PNG bytes, as a service would). Sample mode reports p50 / p99; throughput is
 * threads / mean latency, and the HTTP overhead is the ratio of the two throughputs:
 * {@code java -jar benchmarks.jar ServeLoadBenchmark -t 32 -w 5 -r 30} (then -t 8, -t 1).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 1, time = 5)
@Measurement(iterations = 1, time = 30)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class ServeLoadBenchmark {

    @Param({"in-process", "http"})
    public String path;

    @Param({"text", "image"})
    public String input;

    private Embedder embedder;
    private EmbeddingServer server;
    private URI endpoint;
    private byte[] png;
    private String requestBody;
    private final AtomicInteger next = new AtomicInteger();

    /** One connection per client thread, as separate clients would have. */
    @State(Scope.Thread)
    public static class Client {
        HttpClient http;

        @Setup(Level.Trial)
        public void open() {
            http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        }

        @TearDown(Level.Trial)
        public void close() {
            http.close();
        }
    }

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        Path directory = Files.createTempDirectory("vlm2vec-bench-serve");
        TinyModels.write("phi3_v", directory, 0, 0);
        // A queue for every client: this measures serving, not refusals.
        embedder = Vlm2Vec.load(directory, EmbedderOptions.defaults().withBatching(16, Duration.ofMillis(2), 1024));
        embedder.warmUp();
        BufferedImage image = new BufferedImage(120, 80, BufferedImage.TYPE_INT_RGB);
        Graphics2D graphics = image.createGraphics();
        graphics.setColor(Color.ORANGE);
        graphics.fillOval(10, 10, 60, 50);
        graphics.dispose();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(image, "png", out);
        png = out.toByteArray();
        requestBody = input.equals("text")
                ? "{\"input\": \"a red circle on the left of a blue square\"}"
                : "{\"input\": [{\"instruction\": \"Represent the given image with the following question:\","
                        + " \"text\": \"what color is the circle?\", \"image\": \"data:image/png;base64,"
                        + Base64.getEncoder().encodeToString(png) + "\"}]}";
        if (path.equals("http")) {
            server = EmbeddingServer.start(embedder, ServerOptions.defaults("tiny").withAddress("127.0.0.1", 0));
            endpoint = URI.create("http://127.0.0.1:" + server.port() + "/v1/embeddings");
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        if (server != null) {
            server.close();
        }
        embedder.close();
    }

    @Benchmark
    public Object embed(Client client) throws IOException, InterruptedException {
        if (path.equals("in-process")) {
            return embedder.embed(input.equals("text")
                    ? Input.text("a red circle on the left of a blue square")
                    : Input.of("Represent the given image with the following question:", "what color is the circle?",
                            ImageLoader.decode(png, "image " + next.incrementAndGet())));
        }
        HttpResponse<String> response = client.http.send(HttpRequest.newBuilder(endpoint)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(requestBody)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException("HTTP " + response.statusCode() + ": " + response.body());
        }
        return response.body();
    }
}
