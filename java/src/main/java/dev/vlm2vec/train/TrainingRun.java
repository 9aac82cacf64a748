package dev.vlm2vec.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vlm2vec.ffi.NativeProcessGroup;
import dev.vlm2vec.ffi.NativeTrainer;
import dev.vlm2vec.ffi.TrainStats;
import dev.vlm2vec.io.AtomicFiles;
import dev.vlm2vec.io.FileTrees;
import dev.vlm2vec.processing.ImageOptions;
import dev.vlm2vec.processing.InputEncoder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
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
import org.jspecify.annotations.Nullable;

/**
 * The training loop: the next batch is tokenised, its images processed and collated on a
 * background thread while the native step computes the current one; each step's stats go to
 * {@code metrics.jsonl} and the listener (progress bar); checkpoints
 * {@code output/checkpoint-N} are written every {@code saveEvery} steps, at the end, and when
 * {@link #stop} is called (Ctrl-C), after which the loop returns. Each checkpoint's
 * {@code trainer_state.json} also holds the log history and the run's resolved settings (as
 * Hugging Face's Trainer writes them); with {@code saveTotalLimit} only the newest N are kept.
 *
 * <p>Data-parallel (with a process group): step i's global batch is the same {@code batchSize x
 * worldSize} rows a single process with that batch would take, rank r trains on its r-th slice;
 * the ranks agree on stopping after every step, and rank 0 alone writes metrics, progress and
 * checkpoints (after a barrier).
 */
@NullMarked
public final class TrainingRun {

    /**
     * Loop settings; {@code batchSize} is per rank; {@code chunk} is the GradCache sub-batch (0: no chunking); {@code saveTotalLimit}
     * the most checkpoints kept (0: all); {@code resolved} every setting of the run, for
     * {@code trainer_state.json}.
     */
    public record Settings(long steps, int batchSize, int chunk, boolean hardNegatives, long saveEvery, long evalEvery,
            int saveTotalLimit, Path output, Path imageRoot, ImageOptions images, String baseModel, JsonNode resolved) {}

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
    private final @Nullable NativeProcessGroup group;
    private final AtomicBoolean stopRequested = new AtomicBoolean();
    private final CountDownLatch finished = new CountDownLatch(1);
    private volatile @Nullable Path lastSaved;
    private volatile @Nullable RuntimeException failure;

    public TrainingRun(NativeTrainer trainer, InputEncoder encoder, TrainingSet data, Settings settings) {
        this(trainer, encoder, data, settings, null);
    }

    /** @param group the job's process group (the trainer attached to it), or null for one process */
    public TrainingRun(NativeTrainer trainer, InputEncoder encoder, TrainingSet data, Settings settings,
            @Nullable NativeProcessGroup group) {
        this.group = group;
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

    /** The checkpoint written last by {@link #run}, if any yet. */
    public Optional<Path> lastSaved() {
        return Optional.ofNullable(lastSaved);
    }

    /** Why {@link #run} failed, if it did (a shutdown hook reports it: the JVM may halt before the caller can). */
    public Optional<RuntimeException> failure() {
        return Optional.ofNullable(failure);
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
        boolean writer = group == null || group.isRankZero();
        int world = group == null ? 1 : group.worldSize();
        ArrayNode history = writer ? keepHistoryUpTo(metrics, firstStep, json) : json.createArrayNode();
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
                pairs += (long) settings.batchSize() * world;
                double seconds = Math.max(1e-9, (System.nanoTime() - start) / 1e9);
                ObjectNode record = json.createObjectNode().put("step", stats.step()).put("loss", stats.loss())
                        .put("grad_norm", stats.gradNorm()).put("lr", stats.learningRate()).put("accuracy", stats.accuracy())
                        .put("pairs_per_s", pairs / seconds).put("elapsed_s", seconds);
                if (group != null) {
                    record.put("comm_s", stats.communicationSeconds()).put("world_size", world);
                }
                if (writer) {
                    append(metrics, record.toString());
                    listener.stepDone(stats, pairs / seconds);
                }
                history.add(record);
                // A stop asked of any rank (each gets the SIGTERM) stops them all after the same step.
                boolean finished = step >= settings.steps();
                boolean stopping = group == null ? stopRequested.get() : group.any(stopRequested.get());
                boolean periodic = settings.saveEvery() > 0 && step % settings.saveEvery() == 0;
                boolean evaluating = settings.evalEvery() > 0 && step % settings.evalEvery() == 0 && !finished;
                if (finished || stopping || periodic || evaluating) {
                    last = settings.output().resolve("checkpoint-" + step);
                    if (group != null) {
                        group.barrier("the barrier before checkpoint-" + step);
                    }
                    if (writer) {
                        trainer.save(last, settings.baseModel());
                        addHistory(last, history, json);
                        rotate(last);
                    }
                    if (group != null) {
                        group.barrier("the barrier after checkpoint-" + step);  // no rank goes on before it exists
                    }
                    lastSaved = last;
                }
                if (evaluating) {
                    listener.evaluate(step, last);
                }
                if (stopping) {
                    break;
                }
            }
        } catch (RuntimeException e) {
            failure = e;
            throw e;
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

    // A resumed run continues the log from its checkpoint: lines of later steps (written before a
    // crash, then lost with their checkpoint) are dropped so that each step appears once.
    private static ArrayNode keepHistoryUpTo(Path metrics, long firstStep, ObjectMapper json) {
        ArrayNode history = json.createArrayNode();
        if (!Files.isRegularFile(metrics)) {
            return history;
        }
        try {
            StringBuilder kept = new StringBuilder();
            for (String line : Files.readAllLines(metrics, StandardCharsets.UTF_8)) {
                if (line.isBlank()) {
                    continue;
                }
                JsonNode record = json.readTree(line);
                if (record.path("step").asLong() <= firstStep) {
                    history.add(record);
                    kept.append(line).append('\n');
                }
            }
            AtomicFiles.write(metrics, kept.toString().getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + metrics + " (delete it to start a fresh log)", e);
        }
        return history;
    }

    // trainer_state.json as the native trainer wrote it, plus the log history and the settings.
    private void addHistory(Path checkpoint, ArrayNode history, ObjectMapper json) {
        Path state = checkpoint.resolve("trainer_state.json");
        try {
            ObjectNode node = (ObjectNode) json.readTree(state.toFile());
            node.set("log_history", history);
            node.set("settings", settings.resolved());
            AtomicFiles.write(state, (json.writerWithDefaultPrettyPrinter().writeValueAsString(node) + "\n")
                    .getBytes(StandardCharsets.UTF_8));
        } catch (IOException | ClassCastException e) {
            throw new IllegalStateException("cannot add the log history to " + state + ": " + e.getMessage(), e);
        }
    }

    // Keeps the newest saveTotalLimit checkpoints; the one just written is always among them.
    private void rotate(Path newest) {
        if (settings.saveTotalLimit() <= 0) {
            return;
        }
        try (Stream<Path> entries = Files.list(settings.output())) {
            List<Path> checkpoints = entries.filter(p -> CHECKPOINT.matcher(p.getFileName().toString()).matches()
                    && Files.isDirectory(p)).sorted((a, b) -> Long.compare(stepOf(b), stepOf(a))).toList();
            for (Path old : checkpoints.subList(Math.min(settings.saveTotalLimit(), checkpoints.size()), checkpoints.size())) {
                if (!old.equals(newest)) {
                    // Renamed first (atomic), so a kill during the removal leaves no half checkpoint-N behind.
                    Path doomed = old.resolveSibling(old.getFileName() + ".removing");
                    FileTrees.deleteRecursively(doomed);
                    Files.move(old, doomed, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
                    FileTrees.deleteRecursively(doomed);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove old checkpoints in " + settings.output(), e);
        }
    }

    private PreparedBatch prepare(long index) {
        int world = group == null ? 1 : group.worldSize(), rank = group == null ? 0 : group.rank();
        int size = settings.batchSize();
        List<dev.vlm2vec.data.TrainRow> global = data.batch(index, size * world);
        return PreparedBatch.of(global.subList(rank * size, (rank + 1) * size), encoder, settings.imageRoot(),
                settings.images(),
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
