package dev.vlm2vec.ffi;

import dev.vlm2vec.ffi.internal.vlm2vec_h;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.jspecify.annotations.NullMarked;

/**
 * Exact cosine-similarity search over embeddings, held in native memory: candidates are
 * added once, then each query batch is scored with one matrix product. Ties go to the
 * lowest id, as MMEB scoring requires.
 *
 * {@snippet :
 * try (EmbeddingIndex index = EmbeddingIndex.create(3)) {
 *     index.add(new float[] {1, 0, 0, 0, 1, 0});      // ids 0 and 1
 *     SearchHits hits = index.search(new float[] {0.1f, 2, 0}, 1);
 *     long best = hits.id(0, 0);                      // 1
 * }
 * }
 *
 * <p>Methods are synchronised: the native handle is used by one thread at a time.
 */
@NullMarked
public final class EmbeddingIndex implements AutoCloseable {

    private final OwnedHandle handle;
    private final int dimension;

    private EmbeddingIndex(OwnedHandle handle, int dimension) {
        this.handle = handle;
        this.dimension = dimension;
    }

    /** A new, empty index for vectors of {@code dimension} floats. */
    public static EmbeddingIndex create(int dimension) {
        BufferChecks.requireAtLeast("dimension", dimension, 1);
        NativeLibrary.load();
        try (Arena call = Arena.ofConfined()) {
            MemorySegment out = call.allocate(vlm2vec_h.C_POINTER);
            NativeException.check(vlm2vec_h.vlm2vec_index_create(dimension, out), "vlm2vec_index_create");
            return new EmbeddingIndex(new OwnedHandle(out.get(vlm2vec_h.C_POINTER, 0), vlm2vec_h::vlm2vec_index_free,
                    "EmbeddingIndex"), dimension);
        }
    }

    public int dimension() {
        return dimension;
    }

    /** Adds {@code vectors.length / dimension} vectors; they get the next ids in order. */
    public synchronized void add(float[] vectors) {
        if (vectors.length % dimension != 0) {
            throw new IllegalArgumentException("vectors holds " + vectors.length + " floats, not a multiple of the"
                    + " index dimension " + dimension);
        }
        try (Arena call = Arena.ofConfined()) {
            add(call.allocateFrom(ValueLayout.JAVA_FLOAT, vectors), vectors.length / dimension);
        }
    }

    /** Zero-copy form: {@code vectors} holds {@code [count, dimension]} floats off-heap. */
    public synchronized void add(MemorySegment vectors, long count) {
        MemorySegment index = handle.get();
        BufferChecks.requireAtLeast("count", count, 0);
        long elements = BufferChecks.elements(count, dimension);
        BufferChecks.requireOffHeap("vectors", vectors, ValueLayout.JAVA_FLOAT, elements, "count * dimension");
        NativeException.check(vlm2vec_h.vlm2vec_index_add(index, vectors, elements, count), "vlm2vec_index_add");
    }

    public synchronized long size() {
        MemorySegment index = handle.get();
        try (Arena call = Arena.ofConfined()) {
            MemorySegment out = call.allocate(ValueLayout.JAVA_LONG);
            NativeException.check(vlm2vec_h.vlm2vec_index_size(index, out), "vlm2vec_index_size");
            return out.get(ValueLayout.JAVA_LONG, 0);
        }
    }

    /** The {@code k} most similar stored vectors to each of {@code queries.length / dimension} queries. */
    public synchronized SearchHits search(float[] queries, int k) {
        MemorySegment index = handle.get();
        if (queries.length % dimension != 0) {
            throw new IllegalArgumentException("queries holds " + queries.length + " floats, not a multiple of the"
                    + " index dimension " + dimension);
        }
        BufferChecks.requireAtLeast("k", k, 1);
        int count = queries.length / dimension;
        long outElements = BufferChecks.elements(count, k);
        if (outElements > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(count + " queries x k = " + k + " hits do not fit in Java arrays");
        }
        try (Arena call = Arena.ofConfined()) {
            MemorySegment scores = call.allocate(ValueLayout.JAVA_FLOAT, outElements);
            MemorySegment ids = call.allocate(ValueLayout.JAVA_LONG, outElements);
            NativeException.check(
                    vlm2vec_h.vlm2vec_index_search(index, call.allocateFrom(ValueLayout.JAVA_FLOAT, queries),
                            queries.length, count, k, scores, ids, outElements),
                    "vlm2vec_index_search");
            return new SearchHits(count, k, ids.toArray(ValueLayout.JAVA_LONG), scores.toArray(ValueLayout.JAVA_FLOAT));
        }
    }

    /** Frees the native index. Further calls other than {@code close} throw; closing twice is harmless. */
    @Override
    public synchronized void close() {
        handle.close();
    }
}
