package dev.vlm2vec;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Run in a small-heap JVM by {@link EmbedderTest}: the first batch exhausts the heap for real
 * (it allocates until the JVM throws OutOfMemoryError, on the dispatcher thread), then ordinary
 * requests follow. Prints what each request got; exits 0 when the first failed with the
 * out-of-memory message and every later one was embedded by a healthy embedder.
 * Arguments: MODEL_DIR.
 */
public final class HeapExhaustionInABatch {

    private HeapExhaustionInABatch() {}

    public static void main(String[] args) throws Exception {
        AtomicBoolean exhaust = new AtomicBoolean(true);
        try (Embedder embedder = Vlm2Vec.load(Path.of(args[0]), EmbedderOptions.defaults())) {
            embedder.beforeEncode = () -> {
                if (exhaust.getAndSet(false)) {
                    List<long[]> hog = new ArrayList<>();
                    while (true) {
                        hog.add(new long[1 << 17]);  // 1 MB at a time, until the heap is full
                    }
                }
            };
            Input input = Input.text("a query after the heap ran out");
            String first;
            try {
                first = "embedded " + embedder.submit(input).get(60, TimeUnit.SECONDS).length;
            } catch (ExecutionException e) {
                first = e.getCause().getClass().getSimpleName() + ": " + e.getCause().getMessage();
            }
            System.out.println("first: " + first);
            int embedded = 0;
            for (int i = 0; i < 20; i++) {
                embedded += embedder.submit(Input.text("request " + i)).get(60, TimeUnit.SECONDS).length > 0 ? 1 : 0;
            }
            System.out.println("then: " + embedded + " of 20 embedded, healthy " + embedder.healthy());
            System.exit(first.startsWith("IllegalStateException: embedding this input ran out of memory (Java heap space)")
                    && embedded == 20 && embedder.healthy() ? 0 : 1);
        }
    }
}
