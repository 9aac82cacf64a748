package dev.vlm2vec.ffi;

import dev.vlm2vec.ffi.internal.vlm2vec_h;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.jspecify.annotations.NullMarked;

/**
 * Last-token pooling with L2 normalisation, how VLM2Vec reads an embedding out of decoder
 * hidden states: for each sequence, the hidden state of its last real token (right padding),
 * divided by {@code max(||h||, 1e-12)}.
 */
@NullMarked
public final class LastTokenPooling {

    private LastTokenPooling() {}

    /**
     * Zero-copy form over off-heap memory.
     *
     * @param hidden {@code [batch, seqLen, hiddenSize]} floats, row-major
     * @param lengths {@code [batch]} longs, each in {@code [1, seqLen]}
     * @param out {@code [batch, hiddenSize]} floats, written
     * @throws IllegalArgumentException when a size does not match the shape
     * @throws NativeException when a length is out of range (the message names the row)
     */
    public static void poolAndNormalize(MemorySegment hidden, long batch, long seqLen, long hiddenSize,
            MemorySegment lengths, MemorySegment out) {
        BufferChecks.requireAtLeast("batch", batch, 0);
        BufferChecks.requireAtLeast("seqLen", seqLen, 1);
        BufferChecks.requireAtLeast("hiddenSize", hiddenSize, 1);
        long hiddenElements = BufferChecks.elements(batch, seqLen, hiddenSize);
        long outElements = BufferChecks.elements(batch, hiddenSize);
        BufferChecks.requireOffHeap("hidden", hidden, ValueLayout.JAVA_FLOAT, hiddenElements, "batch * seqLen * hiddenSize");
        BufferChecks.requireOffHeap("lengths", lengths, ValueLayout.JAVA_LONG, batch, "batch");
        BufferChecks.requireOffHeap("out", out, ValueLayout.JAVA_FLOAT, outElements, "batch * hiddenSize");
        NativeLibrary.load();
        NativeException.check(
                vlm2vec_h.vlm2vec_last_token_pool_normalize(hidden, hiddenElements, batch, seqLen, hiddenSize, lengths,
                        out, outElements),
                "vlm2vec_last_token_pool_normalize");
    }

    /**
     * Array form: copies in and out of off-heap memory.
     *
     * {@snippet :
     * // two sequences of up to 3 tokens, hidden size 2; the first has 2 real tokens
     * float[] hidden = {1, 0, 3, 4, 9, 9, 0, 1, 0, 2, 5, 0};
     * float[] out = LastTokenPooling.poolAndNormalize(hidden, 2, 3, 2, new long[] {2, 3});
     * // out = {0.6, 0.8, 1.0, 0.0}
     * }
     *
     * @return {@code [batch * hiddenSize]} floats, row-major
     */
    public static float[] poolAndNormalize(float[] hidden, int batch, int seqLen, int hiddenSize, long[] lengths) {
        BufferChecks.requireAtLeast("batch", batch, 0);
        BufferChecks.requireAtLeast("seqLen", seqLen, 1);
        BufferChecks.requireAtLeast("hiddenSize", hiddenSize, 1);
        long expected = BufferChecks.elements(batch, seqLen, hiddenSize);
        if (hidden.length != expected) {
            throw new IllegalArgumentException("hidden holds " + hidden.length
                    + " floats but batch * seqLen * hiddenSize = " + expected + " are required");
        }
        if (lengths.length != batch) {
            throw new IllegalArgumentException("lengths holds " + lengths.length + " values but batch = " + batch
                    + " are required");
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment hiddenSegment = arena.allocateFrom(ValueLayout.JAVA_FLOAT, hidden);
            MemorySegment lengthSegment = arena.allocateFrom(ValueLayout.JAVA_LONG, lengths);
            MemorySegment out = arena.allocate(ValueLayout.JAVA_FLOAT, (long) batch * hiddenSize);
            poolAndNormalize(hiddenSegment, batch, seqLen, hiddenSize, lengthSegment, out);
            return out.toArray(ValueLayout.JAVA_FLOAT);
        }
    }
}
