package dev.vlm2vec.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Writes the JPEG that PreprocessingBenchmark decodes, for the Python side of the comparison. */
public final class WriteBenchmarkImage {

    private WriteBenchmarkImage() {}

    public static void main(String[] args) throws IOException {
        Files.write(Path.of(args[0]), PreprocessingBenchmark.syntheticJpeg(1344));
    }
}
