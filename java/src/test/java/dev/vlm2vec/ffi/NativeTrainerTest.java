package dev.vlm2vec.ffi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The training ABI through FFM: steps, errors, checkpoints, adapters applied to a fresh model. */
class NativeTrainerTest {

    private static ModelBatch texts(int rows, long seed, Arena arena) {
        Random random = new Random(seed);
        long[][] ids = new long[rows][6];
        long[][] mask = new long[rows][6];
        for (int r = 0; r < rows; r++) {
            int length = 3 + random.nextInt(4);
            for (int t = 0; t < 6; t++) {
                ids[r][t] = t < length ? 1 + random.nextInt(400) : 0;
                mask[r][t] = t < length ? 1 : 0;
            }
        }
        return ModelBatch.ofText(ids, mask, arena);
    }

    private static TrainOptions options(List<String> targets) {
        return new TrainOptions(5e-3, 0.0, 1.0, 0.05, 4, 8.0, 0.0, true, false, true, 1, 10, 7, targets);
    }

    @Test
    void stepsTrainSaveAndTheAdapterLoadsIntoAFreshModel(@TempDir Path directory) {
        TinyModels.write("phi3_v", directory.resolve("model"), 3, 0);
        Path checkpoint = directory.resolve("checkpoint-2");
        float[] trained;
        try (NativeModel model = NativeModel.load(directory.resolve("model"), "cpu", ModelDType.FLOAT32);
                NativeTrainer trainer = NativeTrainer.create(model, options(List.of("qkv_proj", "down_proj")));
                Arena arena = Arena.ofConfined()) {
            List<ModelBatch> queries = List.of(texts(2, 1, arena), texts(2, 2, arena));
            List<ModelBatch> targets = List.of(texts(4, 3, arena));
            TrainStats first = trainer.step(queries, targets, List.of());
            assertEquals(1, first.step());
            assertEquals(0.0, first.learningRate(), "warm-up starts at 0");
            assertTrue(Double.isFinite(first.loss()) && first.loss() > 0, "loss " + first.loss());
            TrainStats second = trainer.step(queries, targets, List.of(texts(3, 4, arena)));
            assertEquals(2, second.step());
            assertEquals(5e-3, second.learningRate(), 1e-12);
            trainer.save(checkpoint, directory.resolve("model").toString());
            trained = model.encode(texts(2, 9, arena), true);

            NativeException mismatch = assertThrows(NativeException.class,
                    () -> trainer.step(queries, List.of(texts(3, 3, arena)), List.of()));
            assertTrue(mismatch.getMessage().contains("4 queries but 3 targets"), mismatch.getMessage());
        }
        assertTrue(Files.isRegularFile(checkpoint.resolve("adapter_config.json")));
        assertTrue(Files.isRegularFile(checkpoint.resolve("adapter_model.safetensors")));
        assertTrue(Files.isRegularFile(checkpoint.resolve("trainer_state.pt")));

        try (NativeModel fresh = NativeModel.load(directory.resolve("model"), "cpu", ModelDType.FLOAT32);
                Arena arena = Arena.ofConfined()) {
            float[] base = fresh.encode(texts(2, 9, arena), true);
            fresh.loadAdapter(checkpoint, true);
            float[] adapted = fresh.encode(texts(2, 9, arena), true);
            double baseDiff = 0, adaptedDiff = 0;
            for (int i = 0; i < trained.length; i++) {
                baseDiff = Math.max(baseDiff, Math.abs(base[i] - trained[i]));
                adaptedDiff = Math.max(adaptedDiff, Math.abs(adapted[i] - trained[i]));
            }
            assertTrue(baseDiff > 1e-4, "training changed the embeddings");
            assertTrue(adaptedDiff < 1e-5, "the saved adapter reproduces them: " + adaptedDiff);
        }
    }

    @Test
    void unknownTargetsAreNamedAndLeaveTheModelUsable(@TempDir Path directory) {
        TinyModels.write("phi3_v", directory.resolve("model"), 4, 0);
        try (NativeModel model = NativeModel.load(directory.resolve("model"), "cpu", ModelDType.FLOAT32)) {
            NativeException e = assertThrows(NativeException.class,
                    () -> NativeTrainer.create(model, options(List.of("qkv_proj", "w_pack"))));
            assertTrue(e.getMessage().contains("LoRA target 'w_pack' matches no linear layer"), e.getMessage());
            try (NativeTrainer trainer = NativeTrainer.create(model, options(List.of()))) {
                assertFalse(trainer == null);
            }
        }
    }
}
