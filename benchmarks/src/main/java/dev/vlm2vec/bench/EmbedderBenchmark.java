package dev.vlm2vec.bench;

import dev.vlm2vec.Embedder;
import dev.vlm2vec.EmbedderOptions;
import dev.vlm2vec.Input;
import dev.vlm2vec.Vlm2Vec;
import dev.vlm2vec.ffi.TinyModels;
import dev.vlm2vec.processing.RgbImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * End-to-end {@link Embedder} latency (p50 / p99 in sample mode) on the tiny Phi-3.5-V model,
 * half text and half image queries, with as many concurrent callers as JMH threads:
 * {@code java -jar benchmarks.jar EmbedderBenchmark -t 1} (then {@code -t 8}, {@code -t 32}).
 * Throughput = threads / mean latency.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class EmbedderBenchmark {

    private Embedder embedder;
    private Input[] inputs;
    private final AtomicInteger next = new AtomicInteger();

    @Setup
    public void setUp() throws IOException {
        Path directory = Files.createTempDirectory("vlm2vec-bench-embedder");
        TinyModels.write("phi3_v", directory, 0, 0);
        embedder = Vlm2Vec.load(directory, EmbedderOptions.defaults());
        byte[] pixels = new byte[120 * 80 * 3];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (byte) (i * 7);
        }
        RgbImage image = new RgbImage(120, 80, pixels);
        inputs = new Input[] {
            Input.text("a red circle on the left of a blue square"),
            Input.of("Represent the given image with the following question:", "what color is the circle?", image)};
    }

    @TearDown
    public void tearDown() {
        embedder.close();
    }

    @Benchmark
    public float[] embed() {
        return embedder.embed(inputs[next.getAndIncrement() & 1]);
    }
}
