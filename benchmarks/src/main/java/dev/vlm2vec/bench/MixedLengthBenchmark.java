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
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
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
 * Length-aware batching on an MMEB-like mixed stream: 16 inputs gathered into one batch, half
 * short texts (about 20 tokens), half image queries at the real Phi-3.5-V geometry (336 px
 * crops, 4 HD crops; the token counts are printed at set-up), through the {@link Embedder} with {@code maxPadding}
 * 1 (one padded call, the texts padded to 757) and 0.1 (a call per length group), side by side:
 * {@code java -jar benchmarks.jar MixedLengthBenchmark}. Seconds per 16 inputs; the ratio is the gain.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 1, time = 5)
@Measurement(iterations = 3, time = 10)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class MixedLengthBenchmark {

    @Param({"1.0", "0.1"})
    public double maxPadding;

    private Embedder embedder;
    private final List<Input> stream = new ArrayList<>();

    @Setup
    public void setUp() throws IOException {
        Path directory = Files.createTempDirectory("vlm2vec-bench-mixed");
        TinyModels.write("phi3_v", directory, 0, 336);
        embedder = Vlm2Vec.load(directory, EmbedderOptions.defaults().withBatching(16, Duration.ofMillis(500), 64)
                .withMaxPadding(maxPadding));
        byte[] pixels = new byte[672 * 448 * 3];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (byte) (i * 7);
        }
        RgbImage image = new RgbImage(672, 448, pixels);
        for (int i = 0; i < 8; i++) {
            stream.add(Input.text("a photo of a cat sitting on a chair next to a red circle number " + i));
            stream.add(Input.of("Represent the given image with the following question:", "what is in the image?", image));
        }
        System.err.printf("tokens per input: text %d, image query %d%n", embedder.inputEncoder().encode(stream.get(0)).ids().length,
                embedder.inputEncoder().encode(stream.get(1)).ids().length);
    }

    @TearDown
    public void tearDown() {
        embedder.close();
    }

    @Benchmark
    public List<float[]> embedMixedBatch() {
        return embedder.embedAll(stream);
    }
}
