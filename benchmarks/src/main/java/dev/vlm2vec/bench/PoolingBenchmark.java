package dev.vlm2vec.bench;

import dev.vlm2vec.ffi.LastTokenPooling;
import dev.vlm2vec.ffi.NativeException;
import dev.vlm2vec.ffi.NativeLibrary;
import dev.vlm2vec.ffi.internal.vlm2vec_h;
import java.lang.foreign.Arena;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Last-token pooling + L2 normalisation of a batch of decoder hidden states (hidden size of
 * Phi-3.5-V), four ways: zero-copy over off-heap memory (the production path), a critical
 * downcall reading the Java arrays in place, the array API that copies in and out, and a
 * plain Java loop as the baseline.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class PoolingBenchmark {

    @Param({"16"})
    public int batch;

    @Param({"128"})
    public int seqLen;

    @Param({"3072"})
    public int hiddenSize;

    private float[] hidden;
    private long[] lengths;
    private float[] out;
    private Arena arena;
    private MemorySegment hiddenSegment;
    private MemorySegment lengthSegment;
    private MemorySegment outSegment;
    private MethodHandle criticalPool;

    @Setup(Level.Trial)
    public void setUp() {
        NativeLibrary.load();
        Random random = new Random(7);
        hidden = new float[batch * seqLen * hiddenSize];
        for (int i = 0; i < hidden.length; i++) {
            hidden[i] = (float) random.nextGaussian();
        }
        lengths = new long[batch];
        for (int b = 0; b < batch; b++) {
            lengths[b] = 1 + random.nextInt(seqLen);
        }
        out = new float[batch * hiddenSize];
        arena = Arena.ofShared();
        hiddenSegment = arena.allocateFrom(ValueLayout.JAVA_FLOAT, hidden);
        lengthSegment = arena.allocateFrom(ValueLayout.JAVA_LONG, lengths);
        outSegment = arena.allocate(ValueLayout.JAVA_FLOAT, out.length);
        // Heap access is valid for a critical call that neither blocks nor calls back; the
        // GC waits for it, which is acceptable for a call of a few microseconds.
        criticalPool = Linker.nativeLinker().downcallHandle(vlm2vec_h.vlm2vec_last_token_pool_normalize$address(),
                vlm2vec_h.vlm2vec_last_token_pool_normalize$descriptor(), Linker.Option.critical(true));
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        arena.close();
    }

    @Benchmark
    public MemorySegment nativeZeroCopy() {
        LastTokenPooling.poolAndNormalize(hiddenSegment, batch, seqLen, hiddenSize, lengthSegment, outSegment);
        return outSegment;
    }

    @Benchmark
    public float[] nativeCriticalHeap() throws Throwable {
        int status = (int) criticalPool.invokeExact(MemorySegment.ofArray(hidden), (long) hidden.length, (long) batch,
                (long) seqLen, (long) hiddenSize, MemorySegment.ofArray(lengths), MemorySegment.ofArray(out),
                (long) out.length);
        NativeException.check(status, "vlm2vec_last_token_pool_normalize");
        return out;
    }

    @Benchmark
    public float[] nativeArrayCopy() {
        return LastTokenPooling.poolAndNormalize(hidden, batch, seqLen, hiddenSize, lengths);
    }

    @Benchmark
    public float[] javaBaseline() {
        for (int b = 0; b < batch; b++) {
            int row = (int) ((b * (long) seqLen + lengths[b] - 1) * hiddenSize);
            double squares = 0;
            for (int i = 0; i < hiddenSize; i++) {
                squares += hidden[row + i] * hidden[row + i];
            }
            float scale = (float) (1.0 / Math.max(Math.sqrt(squares), 1e-12));
            for (int i = 0; i < hiddenSize; i++) {
                out[b * hiddenSize + i] = hidden[row + i] * scale;
            }
        }
        return out;
    }
}
