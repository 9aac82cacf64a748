package dev.vlm2vec.serve;

import dev.vlm2vec.Embedder;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Set;
import org.jspecify.annotations.NullMarked;

/**
 * What {@code GET /metrics} reports, in Prometheus's text format (the Prometheus Java client):
 * requests by route and status, request latency, the model's batch sizes and batch latency, the
 * queue depth, and counts of inputs, tokens and images (rates per second are Prometheus's
 * {@code rate()} of these counters).
 */
@NullMarked
final class ServerMetrics {

    // A label value per route the server has; any other path counts as "other", so a client
    // probing random paths cannot grow the series without bound.
    private static final Set<String> ROUTES = Set.of("/v1/embeddings", "/v1/models", "/info", "/health", "/ready", "/metrics");

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final Counter requests = Counter.builder().name("vlm2vec_http_requests_total")
            .help("HTTP requests by route and status").labelNames("route", "status").register(registry);
    private final Histogram latency = Histogram.builder().name("vlm2vec_http_request_duration_seconds")
            .help("HTTP request latency by route").labelNames("route").classicOnly()
            .classicUpperBounds(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60).register(registry);
    private final Histogram batchSize = Histogram.builder().name("vlm2vec_batch_size")
            .help("Inputs per model call").classicOnly().classicUpperBounds(1, 2, 4, 8, 16, 32, 64, 128, 256).register(registry);
    private final Histogram batchSeconds = Histogram.builder().name("vlm2vec_batch_duration_seconds")
            .help("Time the model took per batch").classicOnly()
            .classicUpperBounds(0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30).register(registry);
    private final Counter inputs = Counter.builder().name("vlm2vec_inputs_total").help("Inputs embedded").register(registry);
    private final Counter tokens = Counter.builder().name("vlm2vec_prompt_tokens_total")
            .help("Tokens embedded (text and image tokens, as in usage.prompt_tokens)").register(registry);
    private final Counter images = Counter.builder().name("vlm2vec_images_total").help("Images embedded").register(registry);
    private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();

    ServerMetrics(Embedder embedder) {
        GaugeWithCallback.builder().name("vlm2vec_queue_depth").help("Inputs waiting for the model")
                .callback(callback -> callback.call(embedder.queued())).register(registry);
        embedder.addBatchListener((size, nanos) -> {
            batchSize.observe(size);
            batchSeconds.observe(nanos / 1e9);
        });
    }

    void request(String path, int status, long nanos) {
        String route = ROUTES.contains(path) ? path : "other";
        requests.labelValues(route, Integer.toString(status)).inc();
        latency.labelValues(route).observe(nanos / 1e9);
    }

    void embedded(int inputCount, long tokenCount, int imageCount) {
        inputs.inc(inputCount);
        tokens.inc(tokenCount);
        images.inc(imageCount);
    }

    String contentType() {
        return PrometheusTextFormatWriter.CONTENT_TYPE;
    }

    void write(OutputStream out) throws IOException {
        writer.write(out, registry.scrape());
    }
}
