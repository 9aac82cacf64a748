package dev.vlm2vec.bench;

import dev.vlm2vec.ffi.NativeLibrary;
import dev.vlm2vec.ffi.internal.vlm2vec_h;
import java.lang.foreign.Linker;
import java.lang.invoke.MethodHandle;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.CompilerControl;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The fixed cost of crossing into native code: {@code vlm2vec_abi_version()}, which only
 * returns a constant, through the generated binding and through a critical downcall,
 * next to a Java call that cannot be inlined (the floor of any call).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class DowncallBenchmark {

    private MethodHandle criticalAbiVersion;

    @Setup
    public void setUp() {
        NativeLibrary.load();
        // A critical downcall skips the Java-to-native thread state transition; valid here
        // because the function neither blocks nor calls back into Java.
        criticalAbiVersion = Linker.nativeLinker().downcallHandle(vlm2vec_h.vlm2vec_abi_version$address(),
                vlm2vec_h.vlm2vec_abi_version$descriptor(), Linker.Option.critical(false));
    }

    @CompilerControl(CompilerControl.Mode.DONT_INLINE)
    private static int javaConstant() {
        return 1;
    }

    @Benchmark
    public int javaCallBaseline() {
        return javaConstant();
    }

    @Benchmark
    public int downcall() {
        return vlm2vec_h.vlm2vec_abi_version();
    }

    @Benchmark
    public int criticalDowncall() throws Throwable {
        return (int) criticalAbiVersion.invokeExact();
    }
}
