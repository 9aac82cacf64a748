package dev.vlm2vec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vlm2vec.ffi.ModelDType;
import dev.vlm2vec.ffi.NativeModel;
import dev.vlm2vec.ffi.TinyModels;
import dev.vlm2vec.processing.ImageLoader;
import dev.vlm2vec.processing.InputEncoder;
import dev.vlm2vec.processing.LlavaNextPadding;
import dev.vlm2vec.processing.ProcessedImage;
import dev.vlm2vec.testing.Npz;
import dev.vlm2vec.testing.ReferenceFixtures;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * LLaVA-NeXT's two padding generations end to end: image files through the input pipeline
 * Vlm2Vec builds for a checkpoint, then the native model, against transformers 4.52's model
 * cases (hf-reference/llava-next-452/cases) at their 1e-4; and the choice of generation from
 * the checkpoint's declared transformers_version, or the option.
 */
class LlavaNextPaddingTest {

    private static NativeModel model;

    /** The fixture checkpoint as it is (declaring 4.45.2), plus a tokenizer (the fixture has none; tags only here). */
    @TempDir
    static Path checkpoints;

    private static Path asDeclared;

    @BeforeAll
    static void load() throws IOException {
        model = NativeModel.load(ReferenceFixtures.root().resolve("llava-next-tiny"), "cpu", ModelDType.FLOAT32);
        TinyModels.write("llava_next", checkpoints.resolve("tokenizer-source"), 0, 0);
        asDeclared = declaring(checkpoints.resolve("as-declared"), "4.45.2");
    }

    @AfterAll
    static void close() {
        model.close();
    }

    private static InputEncoder encoder(Path checkpoint, LlavaNextPadding padding) {
        return Vlm2Vec.inputEncoder(checkpoint, model, EmbedderOptions.defaults().withLlavaPadding(padding));
    }

    /** The case's embeddings with its images processed by {@code encoder} from their files. */
    private static float[] embedFromFiles(JsonNode theCase, InputEncoder encoder) {
        List<Npz.Array> images = new ArrayList<>();
        for (JsonNode image : theCase.get("images")) {
            if (!image.isNull()) {
                ProcessedImage processed = encoder.encode(Input.raw("<image>",
                        ImageLoader.load(ReferenceFixtures.root().resolve(image.asText())))).images().get(0);
                images.add(new Npz.Array(new long[] {processed.views(), 3, processed.size(), processed.size()},
                        processed.pixelValues()));
            }
        }
        try (Arena arena = Arena.ofConfined()) {
            return model.encode(ReferenceFixtures.batch(theCase, images, arena), true);
        }
    }

    private static double maxDifference(float[] expected, float[] actual) {
        assertEquals(expected.length, actual.length);
        double worst = 0;
        for (int i = 0; i < expected.length; i++) {
            worst = Math.max(worst, Math.abs(expected[i] - actual[i]));
        }
        return worst;
    }

    @ParameterizedTest
    @ValueSource(strings = {"n01_odd_rows_133x77", "n02_odd_cols_77x133", "n03_odd_one_row_200x198",
            "n04_batch3_odd_mixed"})
    void fixedPaddingReproducesTransformers452FromTheImageFiles(String name) throws IOException {
        JsonNode theCase = ReferenceFixtures.readCase("llava-next-452/cases/" + name);
        Path checkpoint = asDeclared;
        float[] expected = ReferenceFixtures.flatFloats(theCase.get("expected_embedding"));
        try (InputEncoder fixed = encoder(checkpoint, LlavaNextPadding.FIXED);
                InputEncoder legacy = encoder(checkpoint, LlavaNextPadding.LEGACY)) {
            double fixedError = maxDifference(expected, embedFromFiles(theCase, fixed));
            assertTrue(fixedError <= theCase.get("tolerance").asDouble(), name + ": FIXED is off by " + fixedError);
            // The fixtures measured 5e-3 to 4.7e-2 for the old padding on these images.
            double legacyError = maxDifference(expected, embedFromFiles(theCase, legacy));
            assertTrue(legacyError > 1e-3, name + ": LEGACY should differ from 4.52, differs by " + legacyError);
        }
    }

    /** A copy of the fixture checkpoint whose config.json declares {@code version} (null: no field). */
    private static Path declaring(Path directory, @Nullable String version) throws IOException {
        Path source = ReferenceFixtures.root().resolve("llava-next-tiny");
        Files.createDirectories(directory);
        try (var files = Files.list(source)) {
            for (Path file : files.toList()) {
                Files.copy(file, directory.resolve(file.getFileName()));
            }
        }
        for (String file : new String[] {"tokenizer.json", "tokenizer_config.json"}) {
            Files.copy(checkpoints.resolve("tokenizer-source").resolve(file), directory.resolve(file));
        }
        ObjectMapper json = new ObjectMapper();
        ObjectNode config = (ObjectNode) json.readTree(directory.resolve("config.json").toFile());
        if (version == null) {
            config.remove("transformers_version");
        } else {
            config.put("transformers_version", version);
        }
        json.writeValue(directory.resolve("config.json").toFile(), config);
        return directory;
    }

    private static float[] processedPixels(InputEncoder encoder, String image) {
        return encoder.encode(Input.raw("<image>", ImageLoader.load(ReferenceFixtures.root().resolve(image)))).images()
                .get(0).pixelValues();
    }

    @Test
    void autoFollowsTheDeclaredTransformersVersion(@TempDir Path directory) throws IOException {
        String image = "llava-next-452/images/rich_133x77.png";
        float[] fixed452 = Npz.read(ReferenceFixtures.root().resolve("llava-next-452/processor/llava-next-56/rich_133x77.npz"))
                .get("pixel_values").values();
        Path old = asDeclared;
        Path new452 = declaring(directory.resolve("v4.52.3"), "4.52.3");
        Path none = declaring(directory.resolve("none"), null);
        try (InputEncoder auto45 = encoder(old, LlavaNextPadding.AUTO);
                InputEncoder auto452 = encoder(new452, LlavaNextPadding.AUTO);
                InputEncoder autoNone = encoder(none, LlavaNextPadding.AUTO);
                InputEncoder forced = encoder(old, LlavaNextPadding.FIXED)) {
            assertTrue(maxDifference(fixed452, processedPixels(auto45, image)) > 1, "4.45.2 declared: LEGACY");
            assertTrue(maxDifference(fixed452, processedPixels(auto452, image)) < 1e-4, "4.52.3 declared: FIXED");
            assertTrue(maxDifference(fixed452, processedPixels(autoNone, image)) > 1, "nothing declared: LEGACY");
            assertTrue(maxDifference(fixed452, processedPixels(forced, image)) < 1e-4, "the option overrides the file");
        }
    }

    @Test
    void versionsAndNamesParse() {
        assertEquals(LlavaNextPadding.LEGACY, LlavaNextPadding.forVersion("4.46.3"));
        assertEquals(LlavaNextPadding.LEGACY, LlavaNextPadding.forVersion("4.39.0.dev0"));
        assertEquals(LlavaNextPadding.LEGACY, LlavaNextPadding.forVersion("4.51.9"));
        assertEquals(LlavaNextPadding.FIXED, LlavaNextPadding.forVersion("4.52.0"));
        assertEquals(LlavaNextPadding.FIXED, LlavaNextPadding.forVersion("4.57.1"));
        assertEquals(LlavaNextPadding.FIXED, LlavaNextPadding.forVersion("5.0.0.dev0"));
        assertEquals(LlavaNextPadding.LEGACY, LlavaNextPadding.forVersion("unknown"));
        assertEquals(LlavaNextPadding.FIXED, LlavaNextPadding.parse("Fixed"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> LlavaNextPadding.parse("new"));
        assertEquals("LLaVA-NeXT padding 'new' is not one of auto, legacy (transformers <= 4.51), fixed (>= 4.52)",
                e.getMessage());
    }
}
