package dev.vlm2vec;

import dev.vlm2vec.ffi.ModelBatch;
import dev.vlm2vec.ffi.NativeModel;
import dev.vlm2vec.processing.Collator;
import dev.vlm2vec.processing.EncodedInput;
import dev.vlm2vec.processing.InputEncoder;
import dev.vlm2vec.processing.LengthGroups;
import dev.vlm2vec.processing.RgbImage;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.LongAdder;
import org.jspecify.annotations.NullMarked;
import org.jspecify.annotations.Nullable;

/**
 * Embeds inputs with a loaded model, safely from any number of threads. Callers prepare
 * their own inputs (tokens, image processing) on their own threads, so a bad input fails
 * only its caller; one dispatcher thread gathers the prepared requests into batches (up to
 * {@code maxBatchSize}, waiting at most {@code maxWait} for more) and makes one native call
 * per batch. The queue is bounded: when it is full callers wait, then are refused. If a
 * batch fails in native code, its requests are retried one by one so only the culprit fails.
 */
@NullMarked
public final class Embedder implements AutoCloseable {

    private record Request(EncodedInput input, CompletableFuture<float[]> result, long enqueuedNanos) {}

    private final NativeModel model;
    private final InputEncoder encoder;
    private final EmbedderOptions options;
    private final BlockingQueue<Request> queue;
    private final Thread dispatcher;
    // Held by tests to stall the dispatcher between batches (back-pressure, timeouts, shutdown).
    final java.util.concurrent.Semaphore dispatchGate = new java.util.concurrent.Semaphore(1);
    // Run by the dispatcher before each native call; tests make it throw (an OutOfMemoryError in a batch).
    volatile Runnable beforeEncode = () -> {};
    private final List<BatchListener> batchListeners = new java.util.concurrent.CopyOnWriteArrayList<>();
    private volatile @Nullable Throwable dispatcherFailure;
    private volatile boolean closed;
    private volatile boolean warmedUp;
    // What stats() reports; written by the dispatcher only.
    private final LongAdder batches = new LongAdder();
    private final LongAdder batchedInputs = new LongAdder();
    private final LongAdder batchNanos = new LongAdder();
    private final LongAdder queueWaitNanos = new LongAdder();

    Embedder(NativeModel model, InputEncoder encoder, EmbedderOptions options) {
        this.model = model;
        this.encoder = encoder;
        this.options = options;
        this.queue = new ArrayBlockingQueue<>(options.queueCapacity());
        this.dispatcher = Thread.ofPlatform().name("vlm2vec-dispatcher").daemon().start(this::dispatch);
    }

    /** The size of every embedding. */
    public int dimension() {
        return (int) model.info().hiddenSize();
    }

    public NativeModel model() {
        return model;
    }

    /** The options this embedder was made with. */
    public EmbedderOptions options() {
        return options;
    }

    /** The backbone's tag for an input's first image, e.g. {@code <|image_1|>} or {@code <image>}. */
    public String imageTag() {
        return encoder.imageTag(1);
    }

    /** The input pipeline of this embedder's backbone (prompt layout, tokenizer, image processor). */
    public InputEncoder inputEncoder() {
        return encoder;
    }

    /** The embedding of one input; blocks until it is computed. */
    public float[] embed(Input input) {
        return await(submit(input));
    }

    /** The embedding of one input as a read-only memory segment of {@code dimension()} floats. */
    public MemorySegment embedSegment(Input input) {
        return MemorySegment.ofArray(embed(input)).asReadOnly();
    }

    /** Embeddings of many inputs, in order; they are batched together. */
    public List<float[]> embedAll(List<Input> inputs) {
        List<CompletableFuture<float[]>> futures = new ArrayList<>();
        for (Input input : inputs) {
            futures.add(submit(input));
        }
        List<float[]> results = new ArrayList<>();
        for (CompletableFuture<float[]> future : futures) {
            results.add(await(future));
        }
        return results;
    }

    /**
     * Prepares the input on the calling thread and queues it.
     *
     * @throws IllegalArgumentException for an input that cannot be embedded (named in the message)
     * @throws RejectedExecutionException when the queue stays full for {@code submitTimeout}, or after {@link #close}
     */
    public CompletableFuture<float[]> submit(Input input) {
        return enqueue(input).embedding();
    }

    /**
     * A queued input: its embedding to come, and its length as the model sees it (text tokens
     * plus every image's tokens), e.g. for a server's usage counts.
     */
    public record Submission(CompletableFuture<float[]> embedding, int tokens) {}

    /** As {@link #submit}, with the input's token count. */
    public Submission enqueue(Input input) {
        ensureOpen();
        Request request = new Request(encoder.encode(input), new CompletableFuture<>(), System.nanoTime());
        try {
            if (!queue.offer(request, options.submitTimeout().toNanos(), TimeUnit.NANOSECONDS)) {
                throw new RejectedExecutionException("the embedder's queue has been full (" + options.queueCapacity()
                        + " requests) for " + options.submitTimeout() + ": too many concurrent requests");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RejectedExecutionException("interrupted while waiting for room in the embedder's queue", e);
        }
        if (closed && queue.remove(request)) {
            request.result().completeExceptionally(closedException());
        }
        return new Submission(request.result(), request.input().ids().length);
    }

    /** Waits for a submitted embedding as {@link #embed} does: up to the request timeout, then cancels it. */
    public float[] await(CompletableFuture<float[]> future) {
        try {
            return future.get(options.requestTimeout().toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            future.cancel(false);
            throw new EmbeddingTimeoutException("no embedding within " + options.requestTimeout() + "; the request was cancelled");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            future.cancel(false);
            throw new IllegalStateException("interrupted while waiting for an embedding", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IllegalStateException(cause);
        }
    }

    // Never dies of a batch: anything a batch throws, OutOfMemoryError included, fails that
    // batch's callers (run) and the loop goes on; should the loop itself fail, submit() refuses
    // at once instead of letting callers wait out requestTimeout.
    private void dispatch() {
        try {
            dispatchLoop();
        } catch (Throwable e) {
            dispatcherFailure = e;
            Request left;
            while ((left = queue.poll()) != null) {
                left.result().completeExceptionally(dispatcherStopped());
            }
            if (e instanceof Error error && !(e instanceof OutOfMemoryError)) {
                throw error;
            }
        }
    }

    private void dispatchLoop() {
        List<Request> batch = new ArrayList<>();
        while (!closed || !queue.isEmpty()) {
            try {
                Request first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                long deadline = System.nanoTime() + options.maxWait().toNanos();
                while (batch.size() < options.maxBatchSize()) {
                    Request next = queue.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                    if (next == null) {
                        break;
                    }
                    batch.add(next);
                }
                dispatchGate.acquire();
            } catch (InterruptedException e) {
                batch.forEach(request -> request.result().completeExceptionally(closedException()));
                break;
            }
            try {
                if (closed) {
                    batch.forEach(request -> request.result().completeExceptionally(closedException()));
                } else {
                    run(batch);
                }
            } finally {
                dispatchGate.release();
            }
            batch.clear();
        }
        Request left;
        while ((left = queue.poll()) != null) {
            left.result().completeExceptionally(closedException());
        }
    }

    private void run(List<Request> batch) {
        List<Request> live = batch.stream().filter(request -> !request.result().isDone()).toList();
        if (live.isEmpty()) {
            return;
        }
        // Similar lengths per model call: a short text must not run padded to an image query's length.
        for (List<Request> group : LengthGroups.split(live, request -> request.input().ids().length, options.maxPadding())) {
            runGroup(group);
        }
    }

    private void runGroup(List<Request> live) {
        try {
            beforeEncode.run();
            long start = System.nanoTime();
            List<float[]> embeddings = encode(live.stream().map(Request::input).toList());
            long nanos = System.nanoTime() - start;
            batches.increment();
            batchedInputs.add(live.size());
            batchNanos.add(nanos);
            for (Request request : live) {
                queueWaitNanos.add(start - request.enqueuedNanos());
            }
            for (int i = 0; i < live.size(); i++) {
                live.get(i).result().complete(embeddings.get(i));
            }
            for (BatchListener listener : batchListeners) {
                try {
                    listener.batchEmbedded(live.size(), nanos);
                } catch (RuntimeException e) {
                    // A listener's failure is not the batch's: its embeddings are already delivered.
                }
            }
        } catch (RuntimeException | OutOfMemoryError e) {
            // One by one, so only the input that fails (or does not fit in memory) fails.
            if (live.size() == 1) {
                live.get(0).result().completeExceptionally(e instanceof OutOfMemoryError
                        ? new IllegalStateException("embedding this input ran out of memory (" + e.getMessage()
                                + "); smaller batches (maxBatchSize) or a larger heap may help", e) : e);
                return;
            }
            for (Request request : live) {
                runGroup(List.of(request));
            }
        }
    }

    /** Whether the embedder serves requests: open, and its dispatcher thread alive (a liveness probe). */
    public boolean healthy() {
        return !closed && dispatcherFailure == null && dispatcher.isAlive();
    }

    /** Whether it is healthy and {@link #warmUp} has run (a readiness probe). */
    public boolean ready() {
        return warmedUp && healthy();
    }

    /**
     * Embeds a short text and a small image once, through the queue like any request, so that the
     * first real request does not pay for the one-time work (native allocator pools, libtorch's
     * kernel selection, the tokenizer's and image processor's first calls); then {@link #ready}
     * is true. Returns how long it took.
     */
    public Duration warmUp() {
        long start = System.nanoTime();
        byte[] pixels = new byte[64 * 48 * 3];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (byte) (i * 31);
        }
        CompletableFuture<float[]> text = submit(Input.text("warm-up"));
        CompletableFuture<float[]> image = submit(Input.of(null, "warm-up", new RgbImage(64, 48, pixels)));
        await(text);
        await(image);
        warmedUp = true;
        return Duration.ofNanos(System.nanoTime() - start);
    }

    /**
     * What the embedder has done since it was loaded, for a service's own metrics.
     *
     * @param queued inputs waiting for the model now
     * @param queueCapacity the most that can wait
     * @param batches model calls made
     * @param inputs inputs those calls embedded
     * @param batchFill mean inputs per call over the largest batch allowed (1 is always full)
     * @param meanBatchTime mean time of a model call
     * @param meanQueueWait mean time an input waited in the queue before its model call began
     */
    public record Stats(int queued, int queueCapacity, long batches, long inputs, double batchFill,
            Duration meanBatchTime, Duration meanQueueWait) {}

    /** A snapshot of {@link Stats}. */
    public Stats stats() {
        long batchCount = batches.sum();
        long inputCount = batchedInputs.sum();
        return new Stats(queue.size(), options.queueCapacity(), batchCount, inputCount,
                batchCount == 0 ? 0 : (double) inputCount / batchCount / options.maxBatchSize(),
                Duration.ofNanos(batchCount == 0 ? 0 : batchNanos.sum() / batchCount),
                Duration.ofNanos(inputCount == 0 ? 0 : queueWaitNanos.sum() / inputCount));
    }

    private RejectedExecutionException dispatcherStopped() {
        Throwable failure = dispatcherFailure;
        return new RejectedExecutionException("the embedder's dispatcher stopped"
                + (failure == null ? "" : ": " + failure) + "; close it and load the model again", failure);
    }

    private List<float[]> encode(List<EncodedInput> inputs) {
        int dimension = dimension();
        try (Arena arena = Arena.ofConfined()) {
            ModelBatch batch = Collator.collate(inputs, encoder, arena);
            MemorySegment out = arena.allocate(ValueLayout.JAVA_FLOAT, (long) inputs.size() * dimension);
            model.encode(batch, options.normalize(), out);
            List<float[]> rows = new ArrayList<>();
            for (int i = 0; i < inputs.size(); i++) {
                rows.add(out.asSlice((long) i * dimension * Float.BYTES, (long) dimension * Float.BYTES)
                        .toArray(ValueLayout.JAVA_FLOAT));
            }
            return rows;
        }
    }

    /** Inputs waiting in the queue for the dispatcher (a server's queue-depth gauge). */
    public int queued() {
        return queue.size();
    }

    /** Told of every batch the model embedded: how many inputs it held and how long the model took. */
    @FunctionalInterface
    public interface BatchListener {
        void batchEmbedded(int inputs, long nanos);
    }

    /** Adds a listener, called on the dispatcher thread after each batch (it must be quick and not throw). */
    public void addBatchListener(BatchListener listener) {
        batchListeners.add(listener);
    }

    private void ensureOpen() {
        if (closed) {
            throw closedException();
        }
        if (dispatcherFailure != null || !dispatcher.isAlive()) {
            throw dispatcherStopped();
        }
    }

    private static RejectedExecutionException closedException() {
        return new RejectedExecutionException("the embedder has been closed");
    }

    /** Stops accepting requests, fails the ones still queued, then frees the model. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        // Wakes the dispatcher if it waits for requests or for the gate; a native call in
        // progress finishes first.
        dispatcher.interrupt();
        try {
            dispatcher.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        model.close();
        encoder.close();
    }

    /** A request that got no embedding within its timeout. */
    public static final class EmbeddingTimeoutException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        EmbeddingTimeoutException(String message) {
            super(message);
        }
    }
}
