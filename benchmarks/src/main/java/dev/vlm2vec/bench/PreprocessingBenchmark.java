package dev.vlm2vec.bench;

import dev.vlm2vec.processing.ImageLoader;
import dev.vlm2vec.processing.Normalization;
import dev.vlm2vec.processing.Phi3VImageProcessor;
import dev.vlm2vec.processing.ProcessedImage;
import dev.vlm2vec.processing.RgbImage;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Phi-3.5-V preprocessing of a 1344 x 1344 JPEG: decode, HD transform (resize, pad), 16
 * crops + global view, normalisation. {@code benchmarks/compare-preprocessing.sh} runs this
 * next to the same work done by PIL + NumPy + PyTorch and prints the ratio.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class PreprocessingBenchmark {

    private byte[] jpeg;
    private Phi3VImageProcessor processor;

    /** The benchmark's image: smooth gradients with texture, like a photo; also written for the Python side. */
    public static BufferedImage syntheticPhoto(int size) {
        BufferedImage image = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                int r = (int) (127 + 120 * Math.sin(x / 37.0) * Math.cos(y / 53.0));
                int g = (x * 255 / size + (x * y % 17)) & 0xff;
                int b = (y * 255 / size) ^ (x & 0x1f);
                image.setRGB(x, y, r << 16 | g << 8 | (b & 0xff));
            }
        }
        return image;
    }

    public static byte[] syntheticJpeg(int size) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(syntheticPhoto(size), "jpg", out);
        return out.toByteArray();
    }

    @Setup
    public void setUp() throws IOException {
        jpeg = syntheticJpeg(1344);
        processor = new Phi3VImageProcessor(16, 336, Normalization.CLIP);
    }

    @Benchmark
    public ProcessedImage decodeAndProcess() {
        RgbImage image = ImageLoader.decode(jpeg, "benchmark jpeg");
        return processor.process(image);
    }
}
