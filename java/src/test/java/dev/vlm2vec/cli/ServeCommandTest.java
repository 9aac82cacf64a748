package dev.vlm2vec.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vlm2vec.ffi.TinyModels;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code vlm2vec serve} as a user starts it, in a JVM of its own: it serves, and SIGTERM stops it cleanly. */
class ServeCommandTest {

    /** Reads `serve`'s output until it says it is ready; returns the port it listens on. */
    private static int awaitReady(BufferedReader lines, StringBuilder output) throws IOException {
        Pattern ready = Pattern.compile("at http://127\\.0\\.0\\.1:(\\d+)/v1/embeddings( \\(API key required\\))?; ready");
        for (String line; (line = lines.readLine()) != null;) {
            output.append(line).append('\n');
            Matcher matcher = ready.matcher(line);
            if (matcher.find()) {
                return Integer.parseInt(matcher.group(1));
            }
        }
        throw new AssertionError("serve did not report its port:\n" + output);
    }

    /** `vlm2vec serve` on the model, in a JVM of its own, on a free port. */
    private static Process serve(Path model, String... flags) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"), Launcher.class.getName(),
                "serve", "--model", model.toString(), "--port", "0"));
        command.addAll(List.of(flags));
        return new ProcessBuilder(command).redirectErrorStream(true).start();
    }

    @Test
    void servesUntilSigtermThenStopsCleanly(@TempDir Path directory) throws Exception {
        Path model = directory.resolve("tiny-phi3v");
        TinyModels.write("phi3_v", model, 1, 0);
        Path keyFile = Files.writeString(directory.resolve("key"), "k3y\n");
        // --dtype auto as a user gets it (the tests' environment pins VLM2VEC_DTYPE=fp32): this CPU's choice for a bf16 checkpoint.
        Process serve = serve(model, "--api-key-file", keyFile.toString(), "--dtype", "auto");
        DtypeDefaults.Choice auto = DtypeDefaults.resolve("auto", model, "cpu", CpuFeatures.read());
        StringBuilder output = new StringBuilder();
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(serve.getInputStream(), StandardCharsets.UTF_8))) {
            int port = awaitReady(lines, output);
            assertTrue(output.toString().contains("'tiny-phi3v' (dimension 64, cpu, " + auto.dtype().cliName() + ": "
                    + auto.reason() + ") at http://127.0.0.1:" + port + "/v1/embeddings (API key required); ready"),
                    output.toString());
            HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port + "/v1/embeddings")).header("Authorization", "Bearer k3y")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"input\": \"hello\", \"model\": \"tiny-phi3v\"}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, response.statusCode(), response.body());
            // SIGTERM (Process.destroy would also close the streams this test still reads).
            assertTrue(serve.toHandle().destroy());
            for (String line; (line = lines.readLine()) != null;) {
                output.append(line).append('\n');
            }
            assertTrue(serve.waitFor(60, TimeUnit.SECONDS), "serve did not stop on SIGTERM");
        } finally {
            serve.destroyForcibly();
        }
        assertEquals(143, serve.exitValue(), output.toString());  // 128 + SIGTERM, after the shutdown hook ran
        assertTrue(output.toString().contains("vlm2vec serve: stopping (finishing requests in flight, up to 30 s)"),
                output.toString());
        assertTrue(!output.toString().contains("Exception"), output.toString());
    }

    @Test
    void sigtermUnderLoadAnswersEveryAcceptedRequest(@TempDir Path directory) throws Exception {
        Path model = directory.resolve("tiny-phi3v");
        TinyModels.write("phi3_v", model, 1, 0);
        Process serve = serve(model);
        StringBuilder output = new StringBuilder();
        AtomicInteger ok = new AtomicInteger(), shuttingDown = new AtomicInteger(), otherStatus = new AtomicInteger();
        AtomicInteger refused = new AtomicInteger();
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(serve.getInputStream(), StandardCharsets.UTF_8))) {
            int port = awaitReady(lines, output);
            URI endpoint = URI.create("http://127.0.0.1:" + port + "/v1/embeddings");
            // Eight clients, each on its own connection, send until the server stops taking requests.
            List<Thread> clients = new ArrayList<>();
            for (int c = 0; c < 8; c++) {
                int client = c;
                clients.add(Thread.ofPlatform().start(() -> {
                    try (HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
                        for (int i = 0; ; i++) {
                            String body = "{\"input\": [\"client " + client + " request " + i + "\", \"a second text\"]}";
                            HttpResponse<String> response;
                            try {
                                response = http.send(HttpRequest.newBuilder(endpoint).POST(HttpRequest.BodyPublishers.ofString(body))
                                        .build(), HttpResponse.BodyHandlers.ofString());
                            } catch (IOException e) {
                                refused.incrementAndGet();  // not accepted: the server had stopped reading requests
                                return;
                            }
                            if (response.statusCode() == 200 && response.body().contains("\"index\":1")) {
                                ok.incrementAndGet();
                            } else if (response.statusCode() == 503 && response.body().contains("the server is shutting down")
                                    && response.headers().firstValue("Retry-After").isPresent()) {
                                shuttingDown.incrementAndGet();  // arrived after the stop began: refused, cleanly
                            } else {
                                otherStatus.incrementAndGet();
                            }
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }));
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (ok.get() < 100 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertTrue(serve.toHandle().destroy());  // SIGTERM while the eight keep sending
            for (Thread client : clients) {
                client.join(TimeUnit.SECONDS.toMillis(60));
                assertTrue(!client.isAlive(), "a client still gets answers after SIGTERM");
            }
            for (String line; (line = lines.readLine()) != null;) {
                output.append(line).append('\n');
            }
            assertTrue(serve.waitFor(60, TimeUnit.SECONDS), "serve did not stop on SIGTERM");
        } finally {
            serve.destroyForcibly();
        }
        Matcher stopped = Pattern.compile("vlm2vec serve: stopped; answered (\\d+) requests, none left unanswered")
                .matcher(output);
        assertTrue(stopped.find(), output.toString());
        assertTrue(ok.get() >= 100, "only " + ok.get() + " answers before SIGTERM:\n" + output);
        assertEquals(0, otherStatus.get(), output.toString());
        // Every request the server took, it answered, and every answer reached its client; the
        // rest arrived after the stop began and were refused (503, or the connection closed).
        assertEquals(Long.parseLong(stopped.group(1)), ok.get(), "server answered vs clients received; " + shuttingDown.get()
                + " refused with 503, " + refused.get() + " by a closed connection\n" + output);
    }

    @Test
    void badFlagsAreNamedBeforeAnythingLoads(@TempDir Path directory) {
        java.io.StringWriter err = new java.io.StringWriter();
        picocli.CommandLine cli = Vlm2VecCli.commandLine();
        cli.setErr(new java.io.PrintWriter(err));
        int code = cli.execute("serve", "--model", directory.toString(), "--port", "70000");
        assertEquals(1, code, err.toString());
        assertTrue(err.toString().contains("vlm2vec serve: --port must be between 0 and 65535, not 70000"), err.toString());
        java.io.StringWriter timeout = new java.io.StringWriter();
        cli.setErr(new java.io.PrintWriter(timeout));
        assertEquals(1, cli.execute("serve", "--model", directory.toString(), "--allow-image-urls", "--image-url-timeout", "0"));
        assertTrue(timeout.toString().contains("vlm2vec serve: --image-url-timeout must be"), timeout.toString());
    }
}
