package dev.vlm2vec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vlm2vec.ffi.TinyModels;
import dev.vlm2vec.processing.RgbImage;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Embedder under concurrency, back-pressure, timeouts and shutdown, on tiny models. */
class EmbedderTest {

    @TempDir
    static Path models;

    @BeforeAll
    static void writeModels() {
        TinyModels.write("phi3_v", models.resolve("phi3v"), 1, 0);
        TinyModels.write("llava_next", models.resolve("llava"), 1, 0);
    }

    private static RgbImage image(int width, int height, int seed) {
        byte[] pixels = new byte[width * height * 3];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (byte) (i * 31 + seed * 17);
        }
        return new RgbImage(width, height, pixels);
    }

    private static Input request(int i) {
        return switch (i % 4) {
            case 0 -> Input.text("a caption number " + i);
            case 1 -> Input.of("Represent the given image.", "question " + i, image(60 + i % 7, 40 + i % 5, i));
            case 2 -> Input.of("Find an image caption.", "", image(30, 90, i));
            default -> Input.text("Represent the given text " + i);
        };
    }

    /** Waits until the dispatcher has taken every queued request (it then stalls at the gate). */
    private static void awaitEmptyQueue(Embedder embedder) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (embedder.queued() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        Thread.sleep(20);  // from the queue into the batch, then to the gate
    }

    private static double maxDiff(float[] a, float[] b) {
        double worst = 0;
        for (int i = 0; i < a.length; i++) {
            worst = Math.max(worst, Math.abs(a[i] - b[i]));
        }
        return worst;
    }

    /** Texts and image queries gathered together run as calls of similar lengths, with the same embeddings. */
    @Test
    void mixedLengthsRunAsSeparateCallsWithTheSameEmbeddings() {
        List<Input> mixed = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            mixed.add(i % 2 == 0 ? Input.text("a short caption " + i) : Input.of("Represent the given image.", "", image(80, 60, i)));
        }
        EmbedderOptions batching = EmbedderOptions.defaults().withBatching(16, java.time.Duration.ofMillis(200), 64);
        try (Embedder grouped = Vlm2Vec.load(models.resolve("phi3v"), batching);
                Embedder whole = Vlm2Vec.load(models.resolve("phi3v"), batching.withMaxPadding(1.0))) {
            List<float[]> a = grouped.embedAll(mixed), b = whole.embedAll(mixed);
            for (int i = 0; i < mixed.size(); i++) {
                assertTrue(maxDiff(a.get(i), b.get(i)) < 1e-5, "input " + i + ": " + maxDiff(a.get(i), b.get(i)));
            }
            assertEquals(1, whole.stats().batches(), "one call for the whole gathered batch");
            assertEquals(2, grouped.stats().batches(), "texts and image queries in a call each");
        }
    }

    @Test
    void concurrentCallersGetWhatTheyWouldGetAlone() throws Exception {
        for (String model : new String[] {"phi3v", "llava"}) {
            try (Embedder embedder = Vlm2Vec.load(models.resolve(model), EmbedderOptions.defaults())) {
                List<float[]> alone = new ArrayList<>();
                for (int i = 0; i < 100; i++) {
                    alone.add(embedder.embed(request(i)));
                }
                ExecutorService pool = Executors.newFixedThreadPool(8);
                List<Future<List<float[]>>> threads = new ArrayList<>();
                for (int t = 0; t < 8; t++) {
                    threads.add(pool.submit(() -> {
                        List<float[]> results = new ArrayList<>();
                        for (int i = 0; i < 100; i++) {
                            results.add(embedder.embed(request(i)));
                        }
                        return results;
                    }));
                }
                for (Future<List<float[]>> thread : threads) {
                    List<float[]> results = thread.get(120, TimeUnit.SECONDS);
                    for (int i = 0; i < 100; i++) {
                        assertTrue(maxDiff(alone.get(i), results.get(i)) <= 1e-5, model + " request " + i);
                    }
                }
                pool.shutdown();
                assertEquals(64, embedder.dimension());
            }
        }
    }

    /** 64 callers at once, each in its own order, so every batch mixes callers: no cross-talk. */
    @Test
    void sixtyFourThreadsGetNoOneElsesEmbedding() throws Exception {
        try (Embedder embedder = Vlm2Vec.load(models.resolve("phi3v"), EmbedderOptions.defaults().withBatching(16,
                Duration.ofMillis(2), 256))) {
            List<float[]> alone = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                alone.add(embedder.embed(request(i)));
            }
            ExecutorService pool = Executors.newFixedThreadPool(64);
            try {
                List<Future<?>> callers = new ArrayList<>();
                for (int t = 0; t < 64; t++) {
                    int offset = t * 7;
                    callers.add(pool.submit(() -> {
                        for (int k = 0; k < 20; k++) {
                            int i = (offset + k) % 40;
                            float[] got = embedder.embed(request(i));
                            assertTrue(maxDiff(alone.get(i), got) <= 1e-5, "request " + i + " got another's embedding");
                        }
                        return null;
                    }));
                }
                for (Future<?> caller : callers) {
                    caller.get(300, TimeUnit.SECONDS);
                }
            } finally {
                pool.shutdownNow();
            }
        }
    }

    @Test
    void badInputsFailOnlyTheirCaller() {
        try (Embedder embedder = Vlm2Vec.load(models.resolve("phi3v"), EmbedderOptions.defaults())) {
            List<CompletableFuture<float[]>> good = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                good.add(embedder.submit(request(i)));
                int k = i;
                assertThrows(IllegalArgumentException.class,
                        () -> embedder.submit(Input.raw("<|image_3|> only " + k, image(10, 10, k))));
            }
            List<float[]> all = embedder.embedAll(List.of(request(0), request(1)));
            assertTrue(maxDiff(good.get(0).join(), all.get(0)) <= 1e-5);
            good.forEach(future -> assertEquals(64, future.join().length));
            var view = embedder.embedSegment(request(0));
            assertTrue(view.isReadOnly());
            assertEquals(64 * 4, view.byteSize());
            assertEquals(embedder.embed(request(0))[5], view.getAtIndex(java.lang.foreign.ValueLayout.JAVA_FLOAT, 5), 1e-6);
        }
    }

    @Test
    void fullQueueRefusesAndTimeoutsCancel() throws Exception {
        EmbedderOptions options = EmbedderOptions.defaults().withBatching(1, Duration.ZERO, 2)
                .withTimeouts(Duration.ofMillis(50), Duration.ofMillis(200));
        try (Embedder embedder = Vlm2Vec.load(models.resolve("phi3v"), options)) {
            embedder.dispatchGate.acquire();  // the dispatcher stalls before its next batch
            try {
                CompletableFuture<float[]> first = embedder.submit(request(0));   // taken by the dispatcher
                awaitEmptyQueue(embedder);
                Embedder.EmbeddingTimeoutException timeout = assertThrows(Embedder.EmbeddingTimeoutException.class,
                        () -> embedder.embed(request(1)));                          // queued, then cancelled
                assertTrue(timeout.getMessage().startsWith("no embedding within PT0.2S"), timeout.getMessage());
                embedder.submit(request(2));                                        // queued: full
                RejectedExecutionException full = assertThrows(RejectedExecutionException.class,
                        () -> embedder.submit(request(3)));
                assertTrue(full.getMessage().startsWith("the embedder's queue has been full (2 requests)"), full.getMessage());
                assertTrue(!first.isDone());
            } finally {
                embedder.dispatchGate.release();
            }
            // The queue holds two (one cancelled) until the dispatcher, cold when this test runs
            // first, has worked through them; only then is there room within the 50 ms queue wait.
            awaitEmptyQueue(embedder);
            assertEquals(64, embedder.embed(request(5)).length, "the embedder works on after the stall");
        }
    }

    @Test
    void warmUpMakesItReadyAndStatsCountWhatWasEmbedded() throws Exception {
        // One model call per gathered batch (maxPadding 1), so the counts below are the dispatcher's.
        EmbedderOptions options = EmbedderOptions.defaults().withBatching(4, Duration.ZERO, 16).withMaxPadding(1.0);
        try (Embedder embedder = Vlm2Vec.load(models.resolve("llava"), options)) {
            assertTrue(embedder.healthy());
            assertTrue(!embedder.ready(), "ready before warmUp");
            assertEquals(new Embedder.Stats(0, 16, 0, 0, 0, Duration.ZERO, Duration.ZERO), embedder.stats());
            embedder.warmUp();
            assertTrue(embedder.ready());
            Embedder.Stats warm = embedder.stats();
            assertTrue(warm.inputs() == 2 && warm.batches() >= 1 && warm.batches() <= 2, warm.toString());
            // Stalled, then released: four requests make one full batch.
            embedder.dispatchGate.acquire();
            List<CompletableFuture<float[]>> futures = new ArrayList<>();
            try {
                futures.add(embedder.submit(request(0)));
                awaitEmptyQueue(embedder);
                for (int i = 1; i <= 4; i++) {
                    futures.add(embedder.submit(request(i)));
                }
                assertEquals(4, embedder.stats().queued());
            } finally {
                embedder.dispatchGate.release();
            }
            for (CompletableFuture<float[]> future : futures) {
                embedder.await(future);
            }
            Embedder.Stats after = embedder.stats();
            assertEquals(warm.inputs() + 5, after.inputs(), after.toString());
            assertEquals(warm.batches() + 2, after.batches(), after.toString());
            assertEquals((double) after.inputs() / after.batches() / 4, after.batchFill(), 1e-12);
            assertTrue(after.meanBatchTime().toNanos() > 0 && after.meanQueueWait().toNanos() > 0, after.toString());
        }
        // Closed: neither healthy nor ready.
        Embedder closed = Vlm2Vec.load(models.resolve("phi3v"), options);
        closed.warmUp();
        closed.close();
        assertTrue(!closed.healthy() && !closed.ready());
    }

    @Test
    void closingFailsPendingRequestsClearly() throws Exception {
        Embedder embedder = Vlm2Vec.load(models.resolve("phi3v"), EmbedderOptions.defaults().withBatching(1, Duration.ZERO, 8));
        embedder.dispatchGate.acquire();
        CompletableFuture<float[]> taken = embedder.submit(request(0));
        awaitEmptyQueue(embedder);
        CompletableFuture<float[]> queued = embedder.submit(request(1));
        embedder.close();
        for (CompletableFuture<float[]> pending : List.of(taken, queued)) {
            ExecutionException e = assertThrows(ExecutionException.class, () -> pending.get(5, TimeUnit.SECONDS));
            assertInstanceOf(RejectedExecutionException.class, e.getCause());
            assertEquals("the embedder has been closed", e.getCause().getMessage());
        }
        assertThrows(RejectedExecutionException.class, () -> embedder.submit(request(2)));
        embedder.close();
    }

    /**
     * close() while other threads tokenise long texts freed the native tokenizer under them
     * (SIGSEGV in libtokenizers.so, 3 of 3 runs within 24 rounds): now close waits for the calls
     * inside the tokenizer and later ones fail with an exception. A crash here ends the test JVM.
     */
    @Test
    void closingWhileOthersSubmitLongTextsNeverCrashes() throws Exception {
        StringBuilder words = new StringBuilder();
        java.util.Random random = new java.util.Random(7);
        for (int i = 0; i < 4000; i++) {
            words.append("word").append(random.nextInt(5000)).append(' ');
        }
        String longText = words.toString();
        ExecutorService callers = Executors.newFixedThreadPool(6);
        try {
            for (int round = 0; round < 30; round++) {
                Embedder embedder = Vlm2Vec.load(models.resolve("phi3v"), EmbedderOptions.defaults().withMaxLength(64));
                java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
                List<Future<?>> running = new ArrayList<>();
                for (int t = 0; t < 6; t++) {
                    int offset = t * 300 + round;
                    running.add(callers.submit(() -> {
                        while (!stop.get()) {
                            try {
                                embedder.submit(Input.text(longText.substring(offset % 1000))).get(30, TimeUnit.SECONDS);
                            } catch (RejectedExecutionException | IllegalStateException | ExecutionException e) {
                                return;  // closed: refused or failed, never a crash
                            } catch (Exception e) {
                                throw new AssertionError(e);
                            }
                        }
                    }));
                }
                Thread.sleep(5 + random.nextInt(40));
                embedder.close();
                stop.set(true);
                for (Future<?> caller : running) {
                    caller.get(60, TimeUnit.SECONDS);
                }
            }
        } finally {
            callers.shutdownNow();
        }
    }

    /**
     * A batch that exhausts the heap for real, in a JVM of 64 MB (HeapExhaustionInABatch): its
     * caller gets the out-of-memory error, the dispatcher lives, and the next 20 requests are served.
     */
    @Test
    void aBatchThatExhaustsTheHeapFailsOnlyItsCaller() throws Exception {
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx64m",
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                HeapExhaustionInABatch.class.getName(), models.resolve("phi3v").toString())
                .redirectErrorStream(true).start();
        String output = new String(child.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(child.waitFor(120, TimeUnit.SECONDS), "the child JVM did not finish: " + output);
        assertEquals(0, child.exitValue(), output);
        assertTrue(output.contains("first: IllegalStateException: embedding this input ran out of memory (Java heap space)"),
                output);
        assertTrue(output.contains("then: 20 of 20 embedded, healthy true"), output);
    }

    @Test
    void nullArgumentsAreNamed() {
        IllegalArgumentException text = assertThrows(IllegalArgumentException.class, () -> Input.text(null));
        assertTrue(text.getMessage().startsWith("an input's text is null"), text.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new Input(null, "x", null, false));
    }
}
