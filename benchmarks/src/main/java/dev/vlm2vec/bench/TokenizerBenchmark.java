package dev.vlm2vec.bench;

import dev.vlm2vec.ffi.TinyModels;
import dev.vlm2vec.processing.Tokenizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
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

/** Tokenisation throughput of an MMEB-style query (about 20 words) with the tiny model's BPE. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class TokenizerBenchmark {

    private static final String QUERY = "\nRepresent the given image with the following question: what color is the"
            + " shape on the left of the blue square in the picture?\n";

    private Tokenizer tokenizer;
    private Path directory;

    @Setup
    public void setUp() throws IOException {
        directory = Files.createTempDirectory("vlm2vec-bench-tokenizer");
        TinyModels.write("phi3_v", directory, 0, 0);
        tokenizer = Tokenizer.load(directory, 500);
    }

    @TearDown
    public void tearDown() {
        tokenizer.close();
    }

    @Benchmark
    public long[] encodeQuery() {
        return tokenizer.encode(QUERY);
    }
}
