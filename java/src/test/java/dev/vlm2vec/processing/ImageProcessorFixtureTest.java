package dev.vlm2vec.processing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vlm2vec.testing.Npz;
import dev.vlm2vec.testing.ReferenceFixtures;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Both processors against the upstream processors' outputs for the fixture images:
 * shared/fixtures/hf-reference/processor/ (transformers 4.45.2, LLaVA-NeXT LEGACY padding)
 * and hf-reference/llava-next-452/processor/ (4.52, FIXED padding, odd paddings among them).
 * Max abs difference <= 1e-4 after normalisation, which needs every 8-bit resampling step
 * to match Pillow exactly.
 */
class ImageProcessorFixtureTest {

    private static final double TOLERANCE = 1e-4;
    private static final Path FIXED = Path.of("llava-next-452/processor");

    private static RgbImage read(String relative) {
        return ImageLoader.load(ReferenceFixtures.root().resolve(relative));
    }

    private static JsonNode json(Path relative) throws IOException {
        return new ObjectMapper().readTree(ReferenceFixtures.root().resolve(relative).toFile());
    }

    private static float[] expectedPixels(Path npz, ProcessedImage processed) throws IOException {
        Npz.Array expected = Npz.read(ReferenceFixtures.root().resolve(npz)).get("pixel_values");
        assertEquals(expected.shape()[0], processed.views(), "views");
        assertEquals(expected.values().length, processed.pixelValues().length, "values");
        return expected.values();
    }

    /** The largest |expected - actual| within view {@code view} (all views: -1). */
    private static double maxDifference(float[] expected, ProcessedImage processed, int view) {
        int perView = expected.length / processed.views();
        int from = view < 0 ? 0 : view * perView, to = view < 0 ? expected.length : from + perView;
        double worst = 0;
        for (int i = from; i < to; i++) {
            worst = Math.max(worst, Math.abs(expected[i] - processed.pixelValues()[i]));
        }
        return worst;
    }

    private static void assertPixels(Path npz, ProcessedImage processed) throws IOException {
        assertEquals(0.0, maxDifference(expectedPixels(npz, processed), processed, -1), TOLERANCE, npz.toString());
    }

    /** The processor a processor JSON was made with: the tiny checkpoint's 56-px grid, or its config file's. */
    private static LlavaNextImageProcessor llavaNext(Path configFile, LlavaNextPadding padding) throws IOException {
        JsonNode config = json(configFile);
        List<LlavaNextImageProcessor.Pinpoint> pinpoints = new ArrayList<>();
        (config.has("image_grid_pinpoints") ? config.get("image_grid_pinpoints")
                : json(Path.of("llava-next-tiny/config.json")).get("image_grid_pinpoints"))
                .forEach(pair -> pinpoints.add(new LlavaNextImageProcessor.Pinpoint(pair.get(0).asInt(), pair.get(1).asInt())));
        int tile = config.path("crop_size").path("height").asInt(56);
        return new LlavaNextImageProcessor(pinpoints, tile, Normalization.CLIP, padding);
    }

    @ParameterizedTest
    @ValueSource(strings = {"landscape_230x150", "portrait_120x300", "square_500x500", "tall_90x700"})
    void phi3vMatchesTheReference(String stem) throws IOException {
        JsonNode json = json(Path.of("processor/phi3v", stem + ".json"));
        Phi3VImageProcessor processor = new Phi3VImageProcessor(json.get("num_crops").asInt(), 336, Normalization.CLIP);
        ProcessedImage processed = processor.process(read("images/" + stem + ".png"));
        assertArrayEquals(new long[] {json.get("image_sizes").get(0).asLong(), json.get("image_sizes").get(1).asLong()},
                processed.imageSize());
        assertEquals(json.get("num_img_tokens").asInt(), processed.tokens());
        assertPixels(Path.of("processor/phi3v", stem + ".npz"), processed);
    }

    /** transformers 4.45.2 on images whose padding is even: LEGACY and FIXED both match. */
    @ParameterizedTest
    @ValueSource(strings = {"landscape_230x150", "portrait_120x300", "square_500x500", "tall_90x700"})
    void llavaNextMatchesTheReference(String stem) throws IOException {
        JsonNode json = json(Path.of("processor/llava-next", stem + ".json"));
        for (LlavaNextPadding padding : new LlavaNextPadding[] {LlavaNextPadding.LEGACY, LlavaNextPadding.FIXED}) {
            ProcessedImage processed = llavaNext(Path.of("llava-next-tiny/preprocessor_config.json"), padding)
                    .process(read("images/" + stem + ".png"));
            assertEquals(json.get("num_patches").asInt(), processed.views());
            assertEquals(json.get("num_img_tokens").asInt(), processed.tokens());
            assertPixels(Path.of("processor/llava-next", stem + ".npz"), processed);
        }
    }

    /**
     * transformers 4.52 (FIXED) on the odd-padding images, 56- and 336-px grids, to 1e-4; and
     * LEGACY on the same images differs from it patch by patch by exactly what the fixtures
     * measured for 4.45.2 ({@code max_abs_diff_vs_4_45_per_patch}): zero for the untouched
     * tiles, up to 3.8 for the stretched last row or column.
     */
    @ParameterizedTest
    @ValueSource(strings = {"llava-next-56/rich_133x77", "llava-next-56/rich_77x133", "llava-next-56/rich_90x290",
            "llava-next-56/rich_200x198", "llava-next-56/rich_1000x60", "llava-next-56/landscape_230x150",
            "llava-next-336/blocks_133x77", "llava-next-336/rich_133x77", "llava-next-336/rich_1000x60"})
    void llavaNextMatchesTransformers452AndItsLegacyDifference(String name) throws IOException {
        JsonNode json = json(FIXED.resolve(name + ".json"));
        Path config = name.startsWith("llava-next-336") ? FIXED.resolve("configs/llava-next-336.json")
                : Path.of(json.get("preprocessor_config").asText());
        Path npz = FIXED.resolve(name + ".npz");
        RgbImage image = read(json.get("image_path").asText());
        ProcessedImage fixed = llavaNext(config, LlavaNextPadding.FIXED).process(image);
        assertEquals(json.get("num_patches").asInt(), fixed.views());
        assertEquals(json.get("num_img_tokens").asInt(), fixed.tokens());
        assertPixels(npz, fixed);

        ProcessedImage legacy = llavaNext(config, LlavaNextPadding.LEGACY).process(image);
        assertEquals(fixed.tokens(), legacy.tokens(), "the padding never changes the token count");
        float[] expected = expectedPixels(npz, legacy);
        JsonNode perPatch = json.get("max_abs_diff_vs_4_45_per_patch");
        if (perPatch == null) {
            return;  // even padding (the shared images): covered above
        }
        for (int view = 0; view < legacy.views(); view++) {
            assertEquals(perPatch.get(view).asDouble(), maxDifference(expected, legacy, view), TOLERANCE,
                    name + " view " + view + ": LEGACY's difference from 4.52");
        }
    }
}
