package dev.vlm2vec.ffi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.vlm2vec.ffi.internal.vlm2vec_h;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Comparator;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The native cosine index against a brute-force Java ranking, and its handle life cycle. */
class EmbeddingIndexTest {

    private static double cosine(float[] a, int aOffset, float[] b, int bOffset, int dim) {
        double dot = 0, na = 0, nb = 0;
        for (int i = 0; i < dim; i++) {
            dot += (double) a[aOffset + i] * b[bOffset + i];
            na += (double) a[aOffset + i] * a[aOffset + i];
            nb += (double) b[bOffset + i] * b[bOffset + i];
        }
        return dot / Math.sqrt(na * nb);
    }

    @Test
    void searchMatchesBruteForce() {
        int dim = 24, count = 200, queries = 6, k = 5;
        Random random = new Random(1);
        float[] vectors = new float[count * dim];
        float[] query = new float[queries * dim];
        for (int i = 0; i < vectors.length; i++) {
            vectors[i] = (float) random.nextGaussian();
        }
        for (int i = 0; i < query.length; i++) {
            query[i] = (float) random.nextGaussian();
        }
        try (EmbeddingIndex index = EmbeddingIndex.create(dim)) {
            index.add(vectors);
            assertEquals(count, index.size());
            SearchHits hits = index.search(query, k);
            for (int q = 0; q < queries; q++) {
                int qq = q;
                double[] exact = IntStream.range(0, count)
                        .mapToDouble(c -> cosine(query, qq * dim, vectors, c * dim, dim)).toArray();
                int[] order = IntStream.range(0, count).boxed()
                        .sorted(Comparator.comparingDouble((Integer c) -> -exact[c]))
                        .mapToInt(Integer::intValue).toArray();
                for (int rank = 0; rank < k; rank++) {
                    assertEquals(order[rank], hits.id(q, rank), "query " + q + " rank " + rank);
                    assertEquals(exact[order[rank]], hits.score(q, rank), 1e-5);
                }
            }
        }
    }

    @Test
    void closedIndexRefusesWorkAndClosingTwiceIsHarmless() {
        EmbeddingIndex index = EmbeddingIndex.create(2);
        index.add(new float[] {1, 0});
        index.close();
        index.close();
        IllegalStateException e = assertThrows(IllegalStateException.class, index::size);
        assertEquals("this EmbeddingIndex has been closed", e.getMessage());
        assertThrows(IllegalStateException.class, () -> index.search(new float[] {1, 0}, 1));
        assertThrows(IllegalStateException.class, () -> index.add(new float[] {1, 0}));
    }

    @Test
    void nullHandleIsANativeExceptionNotACrash() {
        NativeLibrary.load();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment size = arena.allocate(ValueLayout.JAVA_LONG);
            NativeException e = assertThrows(NativeException.class, () -> NativeException.check(
                    vlm2vec_h.vlm2vec_index_size(MemorySegment.NULL, size), "vlm2vec_index_size"));
            assertEquals(Status.NULL_POINTER, e.status());
            assertEquals("vlm2vec_index_size failed (NULL_POINTER): index is NULL", e.getMessage());
        }
    }

    @Test
    void badInputIsReportedWithItsRow() {
        try (EmbeddingIndex index = EmbeddingIndex.create(2)) {
            NativeException zero = assertThrows(NativeException.class, () -> index.add(new float[] {1, 1, 0, 0}));
            assertEquals("vlm2vec_index_add failed (INVALID_ARGUMENT): vectors row 1 has zero norm and cannot be"
                    + " normalised", zero.getMessage());
            assertEquals(0, index.size());
            IllegalArgumentException ragged = assertThrows(IllegalArgumentException.class,
                    () -> index.add(new float[] {1, 2, 3}));
            assertEquals("vectors holds 3 floats, not a multiple of the index dimension 2", ragged.getMessage());
            index.add(new float[] {1, 0});
            NativeException tooMany = assertThrows(NativeException.class, () -> index.search(new float[] {1, 0}, 2));
            assertEquals(Status.INVALID_ARGUMENT, tooMany.status());
            assertThrows(IllegalArgumentException.class, () -> EmbeddingIndex.create(0));
        }
    }
}
