package dev.vlm2vec.ffi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vlm2vec.testing.ReferenceFixtures;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The Phi-3.5-V model through FFM, against the Hugging Face reference outputs. */
class NativeModelTest {

    private static NativeModel phi3v;

    @BeforeAll
    static void load() {
        phi3v = NativeModel.load(ReferenceFixtures.root().resolve("phi3v-tiny"), "cpu", ModelDType.FLOAT32);
    }

    @AfterAll
    static void close() {
        phi3v.close();
    }

    @Test
    void reportsWhatItLoaded() {
        ModelInfo info = phi3v.info();
        assertEquals("phi3_v", info.architecture());
        assertEquals("cpu", info.device());
        assertEquals(ModelDType.FLOAT32, info.dtype());
        assertEquals(64, info.hiddenSize());
        assertEquals(2, info.numLayers());
        assertEquals(336, info.imageSize());
        assertEquals(5, info.maxCrops());
        assertTrue(info.parameterCount() > 4_000_000, "parameters: " + info.parameterCount());
        assertEquals("", phi3v.loadReport());
    }

    @ParameterizedTest
    @ValueSource(strings = {"p01_text_short", "p06_image_portrait", "p10_batch2_text_short"})
    void reproducesTheReference(String caseName) throws IOException {
        JsonNode theCase = ReferenceFixtures.readCase(caseName);
        double tolerance = theCase.get("tolerance").asDouble();
        try (Arena arena = Arena.ofConfined()) {
            ModelBatch batch = ReferenceFixtures.batch(theCase, arena);
            assertClose(ReferenceFixtures.flatFloats(theCase.get("expected_embedding")), phi3v.encode(batch, true), tolerance);
            assertClose(ReferenceFixtures.flatFloats(theCase.get("expected_pooled_unnormalised")),
                    phi3v.encode(batch, false), tolerance);
        }
    }

    private static void assertClose(float[] expected, float[] actual, double tolerance) {
        assertEquals(expected.length, actual.length);
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], tolerance, "element " + i);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"l02_image_landscape", "l08_image_landscape_newnames", "l07_batch3_mixed"})
    void reproducesTheLlavaNextReference(String caseName) throws IOException {
        JsonNode theCase = ReferenceFixtures.readCase(caseName);
        try (NativeModel llava = NativeModel.load(ReferenceFixtures.root().resolve(theCase.get("model").asText()), "cpu",
                ModelDType.FLOAT32); Arena arena = Arena.ofConfined()) {
            assertEquals("llava_next", llava.info().architecture());
            assertEquals(5, llava.info().maxCrops());
            ModelBatch batch = ReferenceFixtures.batch(theCase, arena);
            assertClose(ReferenceFixtures.flatFloats(theCase.get("expected_embedding")), llava.encode(batch, true),
                    theCase.get("tolerance").asDouble());
        }
    }

    @Test
    void badTokenIdIsANativeExceptionNamingIt() {
        try (Arena arena = Arena.ofConfined()) {
            ModelBatch batch = ModelBatch.ofText(new long[][] {{1, 7, 9000}}, new long[][] {{1, 1, 1}}, arena);
            NativeException e = assertThrows(NativeException.class, () -> phi3v.encode(batch, true));
            assertEquals(Status.INVALID_ARGUMENT, e.status());
            assertEquals("vlm2vec_model_encode failed (INVALID_ARGUMENT): input_ids[0][2] = 9000 is outside the"
                    + " vocabulary of 512", e.getMessage());
            ModelBatch placeholders = ModelBatch.ofText(new long[][] {{1, -1, -1}}, new long[][] {{1, 1, 1}}, arena);
            NativeException noImage = assertThrows(NativeException.class, () -> phi3v.encode(placeholders, true));
            assertTrue(noImage.getMessage().endsWith("input_ids hold 2 image placeholder tokens (negative ids) but no"
                    + " image was given"), noImage.getMessage());
        }
    }

    @Test
    void corruptedCheckpointFailsCleanly(@TempDir Path directory) throws IOException {
        Path source = ReferenceFixtures.root().resolve("phi3v-tiny");
        for (String file : new String[] {"config.json", "preprocessor_config.json"}) {
            Files.copy(source.resolve(file), directory.resolve(file));
        }
        byte[] weights = Files.readAllBytes(source.resolve("model.safetensors"));
        Files.write(directory.resolve("model.safetensors"), java.util.Arrays.copyOf(weights, weights.length / 2),
                StandardOpenOption.CREATE_NEW);
        NativeException e = assertThrows(NativeException.class,
                () -> NativeModel.load(directory, "cpu", ModelDType.FLOAT32));
        assertEquals(Status.IO, e.status());
        assertTrue(e.getMessage().contains("(truncated file?)"), e.getMessage());
    }

    @Test
    void unknownDeviceAndMissingDirectoryAreExplained(@TempDir Path empty) {
        NativeException device = assertThrows(NativeException.class,
                () -> NativeModel.load(ReferenceFixtures.root().resolve("phi3v-tiny"), "tpu", ModelDType.FLOAT32));
        assertTrue(device.getMessage().contains("device 'tpu'"), device.getMessage());
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> NativeModel.load(empty.resolve("nope"), "cpu", ModelDType.FLOAT32));
        assertTrue(missing.getMessage().startsWith("model directory "), missing.getMessage());
    }

    @Test
    void closedModelRefusesWork() {
        NativeModel model = NativeModel.load(ReferenceFixtures.root().resolve("phi3v-tiny"), "cpu", ModelDType.FLOAT32);
        model.close();
        model.close();
        try (Arena arena = Arena.ofConfined()) {
            ModelBatch batch = ModelBatch.ofText(new long[][] {{1, 7}}, new long[][] {{1, 1}}, arena);
            assertThrows(IllegalStateException.class, () -> model.encode(batch, true));
        }
    }
}
