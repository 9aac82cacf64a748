package dev.vlm2vec.cli;

import dev.vlm2vec.Embedder;
import dev.vlm2vec.EmbedderOptions;
import dev.vlm2vec.Vlm2Vec;
import dev.vlm2vec.processing.ImageFetcher;
import dev.vlm2vec.serve.EmbeddingServer;
import dev.vlm2vec.serve.ServerOptions;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.BindException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.jspecify.annotations.NullMarked;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code vlm2vec serve}: an OpenAI-compatible embeddings endpoint over HTTP (see README "Serving"). */
@NullMarked
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Serve a model over HTTP: POST /v1/embeddings (OpenAI's API, with images as data: URLs or base64,"
                + " and vLLM's chat-style messages), GET /v1/models, /health, /ready. SIGTERM or Ctrl-C stops it after the"
                + " requests in flight.")
final class ServeCommand implements Callable<Integer> {

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @CommandLine.Mixin
    private ModelFlags modelFlags = new ModelFlags();

    @Option(names = "--adapter", paramLabel = "DIR", description = "A PEFT LoRA/DoRA adapter directory, merged at load.")
    private @Nullable Path adapter;

    @Option(names = "--host", description = "Address to listen on (0.0.0.0: every interface). Default: ${DEFAULT-VALUE}.")
    private String host = "127.0.0.1";

    @Option(names = "--port", description = "Port to listen on (0: any free one). Default: ${DEFAULT-VALUE}.")
    private int port = 8080;

    static final class Key {
        @Option(names = "--api-key", paramLabel = "KEY",
                description = "Require 'Authorization: Bearer KEY' on /v1/* (visible in the process list: prefer --api-key-file).")
        @Nullable String value;

        @Option(names = "--api-key-file", paramLabel = "FILE", description = "Read the API key from FILE (its first line).")
        @Nullable Path file;
    }

    @ArgGroup(exclusive = true)
    private @Nullable Key key;

    @Option(names = "--served-model-name", paramLabel = "NAME",
            description = "The model name clients send and /v1/models lists. Default: the model directory's name.")
    private @Nullable String servedModelName;

    @Option(names = "--max-request-bytes", paramLabel = "N",
            description = "Larger request bodies get 413. Default: ${DEFAULT-VALUE} (32 MiB).")
    private long maxRequestBytes = ServerOptions.DEFAULT_MAX_REQUEST_BYTES;

    @Option(names = "--max-inputs", paramLabel = "N", description = "More inputs in one request get 413. Default: ${DEFAULT-VALUE}.")
    private int maxInputs = ServerOptions.DEFAULT_MAX_INPUTS;

    @Option(names = "--batch-size", paramLabel = "N",
            description = "Inputs per model call, gathered across requests. Default: ${DEFAULT-VALUE}.")
    private int batchSize = 16;

    @Option(names = "--queue-capacity", paramLabel = "N",
            description = "Inputs waiting for the model; when it stays full, requests get 503 with Retry-After. Default: ${DEFAULT-VALUE}.")
    private int queueCapacity = 1024;

    @Option(names = "--grace-period", paramLabel = "SECONDS",
            description = "On SIGTERM, how long requests in flight may take to finish. Default: ${DEFAULT-VALUE}.")
    private int gracePeriod = 30;

    @Option(names = "--allow-image-urls",
            description = "Fetch http(s) image URLs (vLLM's image_url parts). Off by default: the server would reach any"
                    + " host a client names, its own network included; enable for trusted clients or behind an egress proxy.")
    private boolean allowImageUrls;

    @Option(names = "--image-url-timeout", paramLabel = "SECONDS",
            description = "With --allow-image-urls: the most a fetch may take. Default: ${DEFAULT-VALUE}.")
    private int imageUrlTimeout = 10;

    @Option(names = "--max-image-url-bytes", paramLabel = "N",
            description = "With --allow-image-urls: larger downloads get 413. Default: ${DEFAULT-VALUE} (20 MiB).")
    private long maxImageUrlBytes = 20L << 20;

    @Override
    public Integer call() throws IOException, InterruptedException {
        FlagChecks.within("--port", port, 0, 65535);
        FlagChecks.atLeast("--image-url-timeout", imageUrlTimeout, 1);
        FlagChecks.atLeast("--max-image-url-bytes", maxImageUrlBytes, 1);
        FlagChecks.atLeast("--max-request-bytes", maxRequestBytes, 1);
        FlagChecks.atLeast("--max-inputs", maxInputs, 1);
        FlagChecks.atLeast("--batch-size", batchSize, 1);
        FlagChecks.atLeast("--queue-capacity", queueCapacity, 1);
        FlagChecks.atLeast("--grace-period", gracePeriod, 0);
        Path model = modelFlags.requireModel();
        String apiKey = apiKey();
        String name = servedModelName != null ? servedModelName : model.toAbsolutePath().normalize().getFileName().toString();
        EmbedderOptions embedderOptions = modelFlags.embedderOptions(batchSize)
                .withBatching(batchSize, Duration.ofMillis(2), queueCapacity);
        ServerOptions options = ServerOptions.defaults(name).withAddress(host, port).withApiKey(apiKey)
                .withLimits(maxRequestBytes, maxInputs).withGracePeriod(Duration.ofSeconds(gracePeriod))
                .withImageFetcher(allowImageUrls ? new ImageFetcher(Duration.ofSeconds(imageUrlTimeout), maxImageUrlBytes) : null);
        PrintWriter err = spec.commandLine().getErr();
        Embedder embedder = Vlm2Vec.load(model, embedderOptions, adapter);
        EmbeddingServer server;
        try {
            server = EmbeddingServer.start(embedder, options);
        } catch (BindException e) {
            embedder.close();
            throw new IllegalArgumentException("cannot listen on " + host + ":" + port + " (" + e.getMessage()
                    + "): another process has the port, or the address is not this machine's; choose --port or --host");
        } catch (RuntimeException | IOException e) {
            embedder.close();
            throw e;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            err.println("vlm2vec serve: stopping (finishing requests in flight, up to " + gracePeriod + " s)");
            err.flush();
            EmbeddingServer.Shutdown shutdown = server.shutDown();
            embedder.close();
            err.println("vlm2vec serve: stopped; answered " + shutdown.answered() + " requests"
                    + (shutdown.abandoned() == 0 && shutdown.undelivered() == 0 ? ", none left unanswered" : "")
                    + (shutdown.undelivered() == 0 ? "" : "; " + shutdown.undelivered() + " answers could not be delivered")
                    + (shutdown.abandoned() == 0 ? "" : "; " + shutdown.abandoned() + " still running after the grace period were cut off"));
            err.flush();
            stopped.countDown();
        }, "vlm2vec-serve-shutdown"));
        err.printf("vlm2vec serve: '%s' (dimension %d, %s, %s: %s) at http://%s:%d/v1/embeddings%s; ready%n", name,
                embedder.dimension(), embedderOptions.device(), embedderOptions.dtype().cliName(), modelFlags.computeDtype().reason(),
                host, server.port(), apiKey == null ? "" : " (API key required)");
        err.flush();
        stopped.await();
        return 0;
    }

    private @Nullable String apiKey() throws IOException {
        if (key == null) {
            return null;
        }
        if (key.value != null) {
            if (key.value.isBlank()) {
                throw new IllegalArgumentException("--api-key is empty; give a key or leave the flag out");
            }
            return key.value;
        }
        Path file = key.file;
        if (file == null || !Files.isRegularFile(file)) {
            throw new IllegalArgumentException("--api-key-file " + file + " does not exist or is not a file");
        }
        String first = Files.readAllLines(file, StandardCharsets.UTF_8).stream().findFirst().orElse("").strip();
        if (first.isEmpty()) {
            throw new IllegalArgumentException("--api-key-file " + file + " is empty; its first line must hold the key");
        }
        return first;
    }
}
