package dev.vlm2vec.ffi;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Native pooling through FFM, against the same formula computed in Java in double precision. */
class LastTokenPoolingTest {

    private static double[] javaReference(float[] hidden, int seqLen, int hiddenSize, long[] lengths) {
        double[] out = new double[lengths.length * hiddenSize];
        for (int b = 0; b < lengths.length; b++) {
            int row = (int) ((b * (long) seqLen + lengths[b] - 1) * hiddenSize);
            double squares = 0;
            for (int i = 0; i < hiddenSize; i++) {
                squares += (double) hidden[row + i] * hidden[row + i];
            }
            double norm = Math.max(Math.sqrt(squares), 1e-12);
            for (int i = 0; i < hiddenSize; i++) {
                out[b * hiddenSize + i] = hidden[row + i] / norm;
            }
        }
        return out;
    }

    @Test
    void matchesJavaComputation() {
        int batch = 5, seqLen = 11, hiddenSize = 64;
        Random random = new Random(42);
        float[] hidden = new float[batch * seqLen * hiddenSize];
        for (int i = 0; i < hidden.length; i++) {
            hidden[i] = (float) (random.nextGaussian() * 3);
        }
        long[] lengths = {11, 1, 6, 2, 9};
        float[] out = LastTokenPooling.poolAndNormalize(hidden, batch, seqLen, hiddenSize, lengths);
        double[] expected = javaReference(hidden, seqLen, hiddenSize, lengths);
        assertEquals(expected.length, out.length);
        for (int i = 0; i < out.length; i++) {
            assertEquals(expected[i], out[i], 1e-6, "element " + i);
        }
    }

    @Test
    void documentedExampleHolds() {
        float[] hidden = {1, 0, 3, 4, 9, 9, 0, 1, 0, 2, 5, 0};
        float[] out = LastTokenPooling.poolAndNormalize(hidden, 2, 3, 2, new long[] {2, 3});
        assertArrayEquals(new float[] {0.6f, 0.8f, 1.0f, 0.0f}, out, 1e-6f);
    }

    @Test
    void offHeapFormWritesIntoTheCallersBuffer() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment hidden = arena.allocateFrom(ValueLayout.JAVA_FLOAT, 0, 0, 0, 2, 0, 0);
            MemorySegment lengths = arena.allocateFrom(ValueLayout.JAVA_LONG, 2L);
            MemorySegment out = arena.allocate(ValueLayout.JAVA_FLOAT, 3);
            LastTokenPooling.poolAndNormalize(hidden, 1, 2, 3, lengths, out);
            assertArrayEquals(new float[] {1, 0, 0}, out.toArray(ValueLayout.JAVA_FLOAT));
        }
    }

    @Test
    void outOfRangeLengthArrivesAsNativeExceptionWithTheNativeMessage() {
        float[] hidden = new float[2 * 4 * 3];
        NativeException e = assertThrows(NativeException.class,
                () -> LastTokenPooling.poolAndNormalize(hidden, 2, 4, 3, new long[] {4, 5}));
        assertEquals(Status.INVALID_ARGUMENT, e.status());
        assertEquals("vlm2vec_last_token_pool_normalize failed (INVALID_ARGUMENT): lengths[1] = 5 is out of range:"
                + " it must be in [1, seq_len = 4]", e.getMessage());
        NativeException negative = assertThrows(NativeException.class,
                () -> LastTokenPooling.poolAndNormalize(hidden, 2, 4, 3, new long[] {-1, 2}));
        assertEquals("vlm2vec_last_token_pool_normalize failed (INVALID_ARGUMENT): lengths[0] = -1 is out of range:"
                + " it must be in [1, seq_len = 4]", negative.getMessage());
    }

    @Test
    void wrongSizesAreIllegalArguments() {
        IllegalArgumentException shortHidden = assertThrows(IllegalArgumentException.class,
                () -> LastTokenPooling.poolAndNormalize(new float[23], 2, 4, 3, new long[] {1, 1}));
        assertEquals("hidden holds 23 floats but batch * seqLen * hiddenSize = 24 are required", shortHidden.getMessage());
        IllegalArgumentException lengths = assertThrows(IllegalArgumentException.class,
                () -> LastTokenPooling.poolAndNormalize(new float[24], 2, 4, 3, new long[] {1}));
        assertEquals("lengths holds 1 values but batch = 2 are required", lengths.getMessage());
        IllegalArgumentException negativeBatch = assertThrows(IllegalArgumentException.class,
                () -> LastTokenPooling.poolAndNormalize(new float[0], -1, 4, 3, new long[0]));
        assertEquals("batch = -1 is invalid: it must be at least 0", negativeBatch.getMessage());
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment hidden = arena.allocate(ValueLayout.JAVA_FLOAT, 24);
            MemorySegment lengths2 = arena.allocateFrom(ValueLayout.JAVA_LONG, 1L, 1L);
            MemorySegment smallOut = arena.allocate(ValueLayout.JAVA_FLOAT, 5);
            IllegalArgumentException out = assertThrows(IllegalArgumentException.class,
                    () -> LastTokenPooling.poolAndNormalize(hidden, 2, 4, 3, lengths2, smallOut));
            assertEquals("out holds 20 bytes but batch * hiddenSize = 6 elements of 4 bytes (24 bytes) are required",
                    out.getMessage());
            IllegalArgumentException heap = assertThrows(IllegalArgumentException.class,
                    () -> LastTokenPooling.poolAndNormalize(MemorySegment.ofArray(new float[24]), 2, 4, 3, lengths2,
                            arena.allocate(ValueLayout.JAVA_FLOAT, 6)));
            assertEquals("hidden is a heap segment; native code needs off-heap memory (allocate it from an Arena)"
                    + " or the array overload of this method", heap.getMessage());
        }
    }

    @Test
    void nullBufferFromRawBindingIsANativeErrorNotACrash() {
        NativeLibrary.load();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ValueLayout.JAVA_FLOAT, 3);
            MemorySegment lengths = arena.allocateFrom(ValueLayout.JAVA_LONG, 1L);
            int code = dev.vlm2vec.ffi.internal.vlm2vec_h.vlm2vec_last_token_pool_normalize(
                    MemorySegment.NULL, 3, 1, 1, 3, lengths, out, 3);
            NativeException e = assertThrows(NativeException.class, () -> NativeException.check(code, "pool"));
            assertEquals(Status.NULL_POINTER, e.status());
            assertEquals("pool failed (NULL_POINTER): hidden is NULL", e.getMessage());
        }
    }
}
