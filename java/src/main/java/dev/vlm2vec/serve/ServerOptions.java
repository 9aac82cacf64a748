package dev.vlm2vec.serve;

import dev.vlm2vec.processing.ImageFetcher;
import java.time.Duration;
import org.jspecify.annotations.NullMarked;
import org.jspecify.annotations.Nullable;

/**
 * How {@link EmbeddingServer} listens and what it accepts.
 *
 * @param host the address to bind (127.0.0.1: this machine only)
 * @param port the port; 0 picks a free one ({@link EmbeddingServer#port()} says which)
 * @param modelName the name clients pass as {@code model} and {@code /v1/models} lists
 * @param apiKey when set, {@code /v1/*} and {@code /metrics} need {@code Authorization: Bearer KEY}
 * @param maxRequestBytes a larger body is refused with 413
 * @param maxInputs more inputs in one request are refused with 413
 * @param gracePeriod how long a shutdown waits for requests in flight
 * @param imageFetcher when set, {@code http(s)} image URLs are fetched with it; when null (the
 *     default) they are refused
 */
@NullMarked
public record ServerOptions(String host, int port, String modelName, @Nullable String apiKey, long maxRequestBytes,
        int maxInputs, Duration gracePeriod, @Nullable ImageFetcher imageFetcher) {

    public static final long DEFAULT_MAX_REQUEST_BYTES = 32L << 20;
    public static final int DEFAULT_MAX_INPUTS = 512;

    public ServerOptions {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("the port must be in [0, 65535], not " + port);
        }
        if (maxRequestBytes < 1) {
            throw new IllegalArgumentException("the request size limit must be >= 1 byte, not " + maxRequestBytes);
        }
        if (maxInputs < 1) {
            throw new IllegalArgumentException("the input limit must be >= 1, not " + maxInputs);
        }
        if (apiKey != null && apiKey.isBlank()) {
            throw new IllegalArgumentException("the API key is empty; give one or none");
        }
    }

    public static ServerOptions defaults(String modelName) {
        return new ServerOptions("127.0.0.1", 8080, modelName, null, DEFAULT_MAX_REQUEST_BYTES, DEFAULT_MAX_INPUTS,
                Duration.ofSeconds(30), null);
    }

    public ServerOptions withAddress(String host, int port) {
        return new ServerOptions(host, port, modelName, apiKey, maxRequestBytes, maxInputs, gracePeriod, imageFetcher);
    }

    public ServerOptions withApiKey(@Nullable String value) {
        return new ServerOptions(host, port, modelName, value, maxRequestBytes, maxInputs, gracePeriod, imageFetcher);
    }

    public ServerOptions withLimits(long requestBytes, int inputs) {
        return new ServerOptions(host, port, modelName, apiKey, requestBytes, inputs, gracePeriod, imageFetcher);
    }

    public ServerOptions withGracePeriod(Duration value) {
        return new ServerOptions(host, port, modelName, apiKey, maxRequestBytes, maxInputs, value, imageFetcher);
    }

    public ServerOptions withImageFetcher(@Nullable ImageFetcher value) {
        return new ServerOptions(host, port, modelName, apiKey, maxRequestBytes, maxInputs, gracePeriod, value);
    }
}
