package dev.vlm2vec.bench;

import dev.vlm2vec.processing.ImageLoader;
import dev.vlm2vec.processing.RgbImage;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.ByteArrayInputStream;
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
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Decoding a 1344 x 1344 image to RGB bytes: {@code ImageLoader} (Pillow's codecs and rules:
 * JPEG through libjpeg-turbo, raw samples, structural truncation check, header pixel cap)
 * beside the code it replaced, kept here as
 * the baseline: {@code ImageIO.read} of a byte stream, then the BGR buffer copied for
 * 3-byte BGR images and {@code BufferedImage.getRGB} (colour-managed, wrong for gray) for the
 * rest. Formats: a photo-like JPEG, and the same as a gray PNG.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class ImageDecodingBenchmark {

    @Param({"jpeg", "gray-png"})
    public String format;

    private byte[] encoded;

    @Setup
    public void setUp() throws IOException {
        BufferedImage photo = PreprocessingBenchmark.syntheticPhoto(1344);
        if (format.equals("gray-png")) {
            BufferedImage gray = new BufferedImage(photo.getWidth(), photo.getHeight(), BufferedImage.TYPE_BYTE_GRAY);
            gray.getGraphics().drawImage(photo, 0, 0, null);
            photo = gray;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        if (!ImageIO.write(photo, format.equals("jpeg") ? "jpg" : "png", out)) {
            throw new IllegalStateException("no ImageIO writer for " + format);
        }
        encoded = out.toByteArray();
    }

    @Benchmark
    public RgbImage imageLoader() {
        return ImageLoader.decode(encoded, "benchmark " + format);
    }

    @Benchmark
    public byte[] baselineImageIoRead() throws IOException {
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(encoded));
        int width = image.getWidth(), height = image.getHeight();
        byte[] pixels = new byte[width * height * 3];
        if (image.getType() == BufferedImage.TYPE_3BYTE_BGR
                && image.getRaster().getDataBuffer() instanceof DataBufferByte buffer) {
            byte[] bgr = buffer.getData();
            for (int i = 0; i < pixels.length; i += 3) {
                pixels[i] = bgr[i + 2];
                pixels[i + 1] = bgr[i + 1];
                pixels[i + 2] = bgr[i];
            }
            return pixels;
        }
        int[] argb = image.getRGB(0, 0, width, height, null, 0, width);
        for (int i = 0; i < argb.length; i++) {
            pixels[3 * i] = (byte) (argb[i] >> 16);
            pixels[3 * i + 1] = (byte) (argb[i] >> 8);
            pixels[3 * i + 2] = (byte) argb[i];
        }
        return pixels;
    }
}
