package dev.vlm2vec.processing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vlm2vec.testing.Npz;
import dev.vlm2vec.testing.ReferenceFixtures;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Both processors against the upstream processors' outputs for the fixture images
 * (shared/fixtures/hf-reference/processor/): max abs difference <= 1e-4 after normalisation,
 * which needs every 8-bit resampling step to match Pillow exactly.
 */
class ImageProcessorFixtureTest {

    private static final double TOLERANCE = 1e-4;

    private static RgbImage read(String file) throws IOException {
        return RgbImage.of(ImageIO.read(ReferenceFixtures.root().resolve("images").resolve(file).toFile()));
    }

    private static JsonNode expectation(String arch, String stem) throws IOException {
        return new ObjectMapper().readTree(ReferenceFixtures.root().resolve("processor").resolve(arch).resolve(stem + ".json")
                .toFile());
    }

    private static void assertPixels(Path npz, ProcessedImage processed) throws IOException {
        Npz.Array expected = Npz.read(npz).get("pixel_values");
        assertEquals(expected.shape()[0], processed.views(), "views");
        assertEquals(expected.values().length, processed.pixelValues().length, "values");
        double worst = 0;
        int worstIndex = -1;
        for (int i = 0; i < expected.values().length; i++) {
            double diff = Math.abs(expected.values()[i] - processed.pixelValues()[i]);
            if (diff > worst) {
                worst = diff;
                worstIndex = i;
            }
        }
        assertEquals(0.0, worst, TOLERANCE, "max abs diff at flat index " + worstIndex + " of " + npz.getFileName());
    }

    @ParameterizedTest
    @ValueSource(strings = {"landscape_230x150", "portrait_120x300", "square_500x500", "tall_90x700"})
    void phi3vMatchesTheReference(String stem) throws IOException {
        JsonNode json = expectation("phi3v", stem);
        Phi3VImageProcessor processor = new Phi3VImageProcessor(json.get("num_crops").asInt(), 336, Normalization.CLIP);
        ProcessedImage processed = processor.process(read(stem + ".png"));
        assertArrayEquals(new long[] {json.get("image_sizes").get(0).asLong(), json.get("image_sizes").get(1).asLong()},
                processed.imageSize());
        assertEquals(json.get("num_img_tokens").asInt(), processed.tokens());
        assertPixels(ReferenceFixtures.root().resolve("processor/phi3v").resolve(stem + ".npz"), processed);
    }

    @ParameterizedTest
    @ValueSource(strings = {"landscape_230x150", "portrait_120x300", "square_500x500", "tall_90x700"})
    void llavaNextMatchesTheReference(String stem) throws IOException {
        JsonNode json = expectation("llava-next", stem);
        LlavaNextImageProcessor processor = new LlavaNextImageProcessor(List.of(
                new LlavaNextImageProcessor.Pinpoint(56, 112), new LlavaNextImageProcessor.Pinpoint(112, 56),
                new LlavaNextImageProcessor.Pinpoint(112, 112), new LlavaNextImageProcessor.Pinpoint(168, 56),
                new LlavaNextImageProcessor.Pinpoint(56, 168)), 56, Normalization.CLIP);
        ProcessedImage processed = processor.process(read(stem + ".png"));
        assertEquals(json.get("num_patches").asInt(), processed.views());
        assertEquals(json.get("num_img_tokens").asInt(), processed.tokens());
        assertPixels(ReferenceFixtures.root().resolve("processor/llava-next").resolve(stem + ".npz"), processed);
    }
}
