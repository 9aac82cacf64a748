package dev.vlm2vec.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vlm2vec.ffi.ModelBatch;
import dev.vlm2vec.ffi.ModelDType;
import dev.vlm2vec.ffi.NativeModel;
import dev.vlm2vec.ffi.NativeRuntime;
import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.Test;

class CliTest {

    @Test
    void versionNamesEveryLayer() {
        CliRun run = CliRun.of("--version");
        assertEquals(0, run.exitCode());
        String version = System.getProperty("vlm2vec.test.projectVersion");
        assertTrue(run.out().startsWith("vlm2vec " + version + "\n"), run.out());
        assertTrue(run.out().contains("\nnative library " + version + " ("), run.out());
        assertTrue(run.out().contains("\nlibtorch " + NativeRuntime.info().torchVersion() + "\n"), run.out());
        assertTrue(run.out().contains("\nBLAS "), run.out());
        assertTrue(run.out().contains("\nCUDA "), run.out());
    }

    @Test
    void doctorPassesHereAndPrintsEachCheck() {
        CliRun run = CliRun.of("doctor");
        assertEquals(0, run.exitCode(), run.out());
        assertTrue(run.out().contains("[OK  ] native library"), run.out());
        assertTrue(run.out().contains("BLAS"), run.out());
    }

    @Test
    void noSubcommandPrintsUsage() {
        CliRun run = CliRun.of();
        assertEquals(0, run.exitCode());
        assertTrue(run.out().contains("Usage: vlm2vec"), run.out());
        assertTrue(run.out().contains("doctor"), run.out());
    }

    @Test
    void initTinyWritesALoadableModel(@TempDir Path directory) throws Exception {
        Path model = directory.resolve("tiny");
        CliRun run = CliRun.of("init-tiny", "--arch", "phi3v", "--out", model.toString(), "--seed", "3");
        assertEquals(0, run.exitCode(), run.out());
        for (String file : new String[] {"config.json", "model.safetensors", "tokenizer.json", "tokenizer_config.json",
                "preprocessor_config.json"}) {
            assertTrue(Files.isRegularFile(model.resolve(file)), file);
        }
        try (NativeModel loaded = NativeModel.load(model, "cpu", ModelDType.FLOAT32); Arena arena = Arena.ofConfined()) {
            assertEquals("phi3_v", loaded.info().architecture());
            ModelBatch batch = ModelBatch.ofText(new long[][] {{1, 30, 31, 32}}, new long[][] {{1, 1, 1, 1}}, arena);
            float[] first = loaded.encode(batch, true);
            double norm = 0;
            for (float value : first) {
                assertTrue(Float.isFinite(value));
                norm += value * value;
            }
            assertEquals(1.0, norm, 1e-5);
            assertArrayEquals(first, loaded.encode(batch, true));
        }
        CliRun unknown = CliRun.of("init-tiny", "--arch", "gpt2", "--out", directory.resolve("x").toString());
        assertEquals(1, unknown.exitCode());
        assertEquals("vlm2vec init-tiny: --arch gpt2 is not a backbone: use one of phi3v, llava-next, qwen2vl\n", unknown.err());
        CliRun llava = CliRun.of("init-tiny", "--arch", "llava-next", "--output", directory.resolve("llava").toString());
        assertEquals(0, llava.exitCode(), llava.err());
        try (NativeModel loaded = NativeModel.load(directory.resolve("llava"), "cpu", ModelDType.BFLOAT16)) {
            assertEquals("llava_next", loaded.info().architecture());
            assertEquals(ModelDType.BFLOAT16, loaded.info().dtype());
        }
    }

    @Test
    void unknownSubcommandIsAUsageError() {
        assertEquals(2, CliRun.of("frobnicate").exitCode());
    }
}
