package dev.vlm2vec.processing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vlm2vec.testing.Npz;
import dev.vlm2vec.testing.ReferenceFixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Qwen2-VL's image processor against the upstream processor's outputs in
 * shared/fixtures/hf-reference-qwen2vl/processor: with the tiny checkpoint's pixel limits (the min
 * and max branches of smart_resize) and with VLM2Vec-V2's defaults (half-to-even rounding).
 * Normalised values within 1e-4, which needs the 8-bit bicubic resize to match Pillow exactly;
 * the grid, the resize and the token count exactly.
 */
class Qwen2VlImageProcessorTest {

    private static final double TOLERANCE = 1e-4;

    @ParameterizedTest
    @CsvSource({
        "qwen2vl-tiny, landscape_230x150", "qwen2vl-tiny, landscape_230x150_q90", "qwen2vl-tiny, portrait_120x300",
        "qwen2vl-tiny, square_500x500", "qwen2vl-tiny, tall_90x700", "qwen2vl-tiny, half_182x98",
        "vlm2vec-default, landscape_230x150", "vlm2vec-default, landscape_230x150_q90", "vlm2vec-default, portrait_120x300",
        "vlm2vec-default, square_500x500", "vlm2vec-default, tall_90x700", "vlm2vec-default, half_182x98"})
    void matchesTheReferenceProcessor(String key, String stem) throws Exception {
        Path root = ReferenceFixtures.qwen2vlRoot();
        JsonNode expected = new ObjectMapper().readTree(root.resolve("processor").resolve(key).resolve(stem + ".json").toFile());
        Path config = root.resolve(expected.get("preprocessor_config").asText());
        Qwen2VlImageProcessor processor = Qwen2VlImageProcessor.fromConfig(config, false);
        assertEquals(expected.get("min_pixels").asLong(), processor.minPixels());
        assertEquals(expected.get("max_pixels").asLong(), processor.maxPixels());
        // The JPEG as Pillow decodes it: this tests the processor alone (decoding has its own tests).
        Path image = stem.endsWith("_q90") ? root.resolve("processor/decoded/landscape_230x150_q90.pillow_decoded.png")
                : root.resolve(expected.get("image_path").asText());
        RgbImage input = ImageLoader.load(image);

        int[] size = Qwen2VlImageProcessor.smartResize(input.height(), input.width(), processor.minPixels(), processor.maxPixels());
        assertArrayEquals(new int[] {expected.get("smart_resize_hw").get(0).asInt(), expected.get("smart_resize_hw").get(1).asInt()}, size);
        Qwen2VlImageProcessor.Result result = processor.process(input);
        JsonNode grid = expected.get("image_grid_thw").get(0);
        assertEquals(new Qwen2VlImageProcessor.Grid(grid.get(0).asInt(), grid.get(1).asInt(), grid.get(2).asInt()), result.grid());
        assertEquals(expected.get("num_img_tokens").asInt(), result.grid().tokens());

        Npz.Array pixels = Npz.read(root.resolve("processor").resolve(key).resolve(expected.get("pixel_values").asText()))
                .get("pixel_values");
        assertArrayEquals(new long[] {result.grid().patches(), Qwen2VlImageProcessor.PATCH_VALUES}, pixels.shape());
        float[] actual = result.pixelValues();
        assertEquals(pixels.values().length, actual.length);
        double worst = 0;
        for (int i = 0; i < actual.length; i++) {
            worst = Math.max(worst, Math.abs(pixels.values()[i] - actual[i]));
        }
        assertEquals(0.0, worst, TOLERANCE, key + "/" + stem);
    }

    @Test
    void theFloatRescaleEqualsUpstreamsDoubleOneForEveryByte() {
        for (int v = 0; v < 256; v++) {
            assertEquals((float) (v * (1.0 / 255)), v / 255.0f, 0.0f, "value " + v);
        }
    }

    @Test
    void smartResizeRoundsHalfToEvenAndKeepsUpstreamsBranches() {
        // 98/28 = 3.5 -> 4 but 182/28 = 6.5 -> 6 (half-up would give 7 and [112, 196] after scaling).
        assertArrayEquals(new int[] {112, 168}, Qwen2VlImageProcessor.smartResize(98, 182, 3136, 1003520));
        assertArrayEquals(new int[] {112, 168}, Qwen2VlImageProcessor.smartResize(98, 182, 3136, 28 * 28 * 24));
        // Thinner than 28, or more than 200 times longer than wide: a square of the longer side first.
        assertArrayEquals(new int[] {56, 56}, Qwen2VlImageProcessor.smartResize(20, 50, 3136, 1003520));
        assertArrayEquals(new int[] {980, 980}, Qwen2VlImageProcessor.smartResize(5, 1010, 3136, 1003520));  // then max
        // The up branch is not checked again: it may pass max_pixels, as upstream's does.
        int[] up = Qwen2VlImageProcessor.smartResize(30, 1000, 28 * 28 * 40, 28 * 28 * 40);
        assertTrue(up[0] * up[1] >= 28 * 28 * 40, java.util.Arrays.toString(up));
        IllegalArgumentException none = assertThrows(IllegalArgumentException.class,
                () -> Qwen2VlImageProcessor.smartResize(28, 5000, 100, 800));
        assertTrue(none.getMessage().contains("has no patches or too many"), none.getMessage());
    }

    @Test
    void vlm2vecPreResizesSmallImagesAndV1PreResizesEveryImage() {
        byte[] pixels = new byte[10 * 40 * 3];
        java.util.Arrays.fill(pixels, (byte) 120);
        RgbImage thin = new RgbImage(40, 10, pixels);
        Qwen2VlImageProcessor v2 = new Qwen2VlImageProcessor(3136, 1003520, Normalization.CLIP, false);
        assertEquals(new Qwen2VlImageProcessor.Grid(1, 4, 4), v2.process(thin).grid());  // 56 x 56 first
        Qwen2VlImageProcessor v1 = new Qwen2VlImageProcessor(3136, 1003520, Normalization.CLIP, true);
        assertEquals(new Qwen2VlImageProcessor.Grid(1, 70, 70), v1.process(thin).grid());  // 1344 -> 980 (max pixels)
    }

    @Test
    void aConfigForAnotherPatchSizeOrWithBadLimitsIsNamed(@TempDir Path directory) throws Exception {
        Path patch = Files.writeString(directory.resolve("preprocessor_config.json"), "{\"patch_size\": 16}");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Qwen2VlImageProcessor.fromConfig(patch, false));
        assertEquals(patch + ": patch_size is 16; Qwen2-VL's is 14", e.getMessage());
        Path limits = Files.writeString(directory.resolve("limits.json"), "{\"size\": {\"shortest_edge\": 2.5}}");
        e = assertThrows(IllegalArgumentException.class, () -> Qwen2VlImageProcessor.fromConfig(limits, false));
        assertTrue(e.getMessage().startsWith(limits + ": size.shortest_edge must be a whole number"), e.getMessage());
        Path swapped = Files.writeString(directory.resolve("swapped.json"), "{\"min_pixels\": 5000, \"max_pixels\": 4000}");
        e = assertThrows(IllegalArgumentException.class, () -> Qwen2VlImageProcessor.fromConfig(swapped, false));
        assertTrue(e.getMessage().contains("1 <= min_pixels <= max_pixels"), e.getMessage());
        // Neither key: VLM2Vec-V2's defaults.
        Path empty = Files.writeString(directory.resolve("empty.json"), "{}");
        assertEquals(Qwen2VlImageProcessor.VLM2VEC_MAX_PIXELS, Qwen2VlImageProcessor.fromConfig(empty, false).maxPixels());
    }
}
