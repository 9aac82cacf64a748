package dev.vlm2vec.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vlm2vec.ffi.NativeTrainer;
import dev.vlm2vec.ffi.TrainStats;
import dev.vlm2vec.processing.ImageOptions;
import dev.vlm2vec.processing.InputEncoder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.jspecify.annotations.NullMarked;

/**
 * The training loop: the next batch is tokenised, its images processed and collated on a
 * background thread while the native step computes the current one; each step's stats go to
 * {@code metrics.jsonl} and the listener (progress bar); checkpoints
 * {@code output/checkpoint-N} are written every {@code saveEvery} steps, at the end, and when
 * {@link #stop} is called (Ctrl-C), after which the loop returns.
 */
@NullMarked
public final class TrainingRun {

    /** Loop settings; {@code chunk} is the GradCache sub-batch (0: no chunking). */
    public record Settings(long steps, int batchSize, int chunk, boolean hardNegatives, long saveEvery, long evalEvery,
            Path output, Path imageRoot, ImageOptions images, String baseModel) {}

    /** Hears each step; {@code pairsPerSecond} counts query-target pairs since the run (re)started. */
    public interface Listener {
        void stepDone(TrainStats stats, double pairsPerSecond);

        /** Called every {@code evalEvery} steps with the checkpoint just written. */
        default void evaluate(long step, Path checkpoint) {}
    }

    private static final Pattern CHECKPOINT = Pattern.compile("checkpoint-(\\d+)");

    private final NativeTrainer trainer;
    private final InputEncoder encoder;
    private final TrainingSet data;
    private final Settings settings;
    private final AtomicBoolean stopRequested = new AtomicBoolean();
    private final CountDownLatch finished = new CountDownLatch(1);

    public TrainingRun(NativeTrainer trainer, InputEncoder encoder, TrainingSet data, Settings settings) {
        this.trainer = trainer;
        this.encoder = encoder;
        this.data = data;
        this.settings = settings;
    }

    /** The newest {@code checkpoint-N} under output, if any. */
    public static Optional<Path> latestCheckpoint(Path output) {
        if (!Files.isDirectory(output)) {
            return Optional.empty();
        }
        try (Stream<Path> entries = Files.list(output)) {
            return entries.filter(p -> CHECKPOINT.matcher(p.getFileName().toString()).matches() && Files.isDirectory(p))
                    .max((a, b) -> Long.compare(stepOf(a), stepOf(b)));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + output, e);
        }
    }

    public static long stepOf(Path checkpoint) {
        Matcher m = CHECKPOINT.matcher(checkpoint.getFileName().toString());
        if (!m.matches()) {
            throw new IllegalArgumentException(checkpoint + " is not a checkpoint-N directory");
        }
        return Long.parseLong(m.group(1));
    }

    /** Asks the loop to write a checkpoint and return after the step in progress. */
    public void stop() {
        stopRequested.set(true);
    }

    /**
     * Waits until {@link #run} has returned (its checkpoint written), at most {@code timeout};
     * a shutdown hook calls this after {@link #stop} so that the JVM exits only once the
     * checkpoint is on disk.
     */
    public boolean awaitFinished(Duration timeout) throws InterruptedException {
        return finished.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Runs steps {@code firstStep + 1 .. settings.steps()} (firstStep > 0 after a resume).
     *
     * @return the last checkpoint written
     */
    public Path run(long firstStep, Listener listener) {
        ObjectMapper json = new ObjectMapper();
        Path metrics = settings.output().resolve("metrics.jsonl");
        long start = System.nanoTime();
        long pairs = 0;
        long step = firstStep;
        Path last = settings.output().resolve("checkpoint-" + firstStep);
        ExecutorService loader = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "vlm2vec-batch-loader");
            t.setDaemon(true);
            return t;
        });
        Future<PreparedBatch> next = null;
        try {
            next = step < settings.steps() ? loader.submit(() -> prepare(firstStep)) : null;
            while (next != null) {
                PreparedBatch batch = await(next);
                long index = step;
                next = index + 1 < settings.steps() && !stopRequested.get() ? loader.submit(() -> prepare(index + 1)) : null;
                TrainStats stats;
                try (batch) {
                    stats = trainer.step(batch.queries(), batch.targets(), batch.negatives());
                }
                step = stats.step();
                pairs += settings.batchSize();
                double seconds = Math.max(1e-9, (System.nanoTime() - start) / 1e9);
                append(metrics, json.createObjectNode().put("step", stats.step()).put("loss", stats.loss())
                        .put("grad_norm", stats.gradNorm()).put("lr", stats.learningRate()).put("accuracy", stats.accuracy())
                        .put("pairs_per_s", pairs / seconds).put("elapsed_s", seconds).toString());
                listener.stepDone(stats, pairs / seconds);
                boolean finished = step >= settings.steps(), stopping = stopRequested.get();
                boolean periodic = settings.saveEvery() > 0 && step % settings.saveEvery() == 0;
                boolean evaluating = settings.evalEvery() > 0 && step % settings.evalEvery() == 0 && !finished;
                if (finished || stopping || periodic || evaluating) {
                    last = settings.output().resolve("checkpoint-" + step);
                    trainer.save(last, settings.baseModel());
                }
                if (evaluating) {
                    listener.evaluate(step, last);
                }
                if (stopping) {
                    break;
                }
            }
        } finally {
            if (next != null) {  // a prefetched batch nobody will train on (stop or failure)
                next.cancel(true);
                closeQuietly(next);
            }
            loader.shutdownNow();
            finished.countDown();
        }
        return last;
    }

    private PreparedBatch prepare(long index) {
        return PreparedBatch.of(data.batch(index, settings.batchSize()), encoder, settings.imageRoot(), settings.images(),
                settings.chunk(),
                settings.hardNegatives());
    }

    private static PreparedBatch await(Future<PreparedBatch> future) {
        try {
            return future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while preparing a batch", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IllegalStateException("preparing a batch failed", e.getCause());
        }
    }

    private static void closeQuietly(Future<PreparedBatch> future) {
        try {
            future.get().close();
        } catch (Exception ignored) {
            // cancelled or failed: nothing was allocated
        }
    }

    private static void append(Path file, String line) {
        try {
            Files.writeString(file, line + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot append to " + file, e);
        }
    }
}
