package dev.vlm2vec.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vlm2vec.train.TrainingRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Ctrl-C / SIGTERM during `train` in a real JVM: the step in progress finishes and a checkpoint is saved. */
class TrainInterruptTest {

    @Test
    void terminationSavesACheckpointBeforeTheJvmExits(@TempDir Path directory) throws Exception {
        Path data = directory.resolve("mini");
        assertEquals(0, CliRun.of("make-synthetic", "--output", data.toString(), "--size", "8").exitCode());
        Path output = directory.resolve("run");
        dev.vlm2vec.ffi.TinyModels.write("phi3_v", directory.resolve("base"), 42, 0);
        Process process = new ProcessBuilder(ChildJvm.cli(List.of("train", "--model", directory.resolve("base").toString(), "--data", data.resolve("train").toString(), "--output", output.toString(), "--steps", "100000",
                "--batch-size", "4", "--gc-chunk", "2", "--no-eval", "--datasets", "MINI-ShapeClass")))
                .redirectErrorStream(true).redirectOutput(directory.resolve("log.txt").toFile()).start();
        Path metrics = output.resolve("metrics.jsonl");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while ((!Files.isRegularFile(metrics) || Files.readAllLines(metrics).size() < 2) && System.nanoTime() < deadline) {
            assertTrue(process.isAlive(), Files.readString(directory.resolve("log.txt")));
            Thread.sleep(100);
        }
        process.destroy();  // SIGTERM: the shutdown hook asks the loop to stop and waits for its checkpoint
        assertTrue(process.waitFor(120, TimeUnit.SECONDS), "train did not exit after SIGTERM");
        Path checkpoint = TrainingRun.latestCheckpoint(output).orElseThrow(
                () -> new AssertionError("no checkpoint after SIGTERM:\n" + readQuietly(directory.resolve("log.txt"))));
        long step = TrainingRun.stepOf(checkpoint);
        assertTrue(step >= 2, "checkpoint " + checkpoint);
        assertTrue(Files.isRegularFile(checkpoint.resolve("adapter_model.safetensors")));
        assertTrue(Files.isRegularFile(checkpoint.resolve("trainer_state.pt")));
        assertEquals(step, Files.readAllLines(metrics).size(), "one metrics line per completed step");
        String log = Files.readString(directory.resolve("log.txt"));
        assertTrue(log.contains("saved " + checkpoint.getFileName() + " in " + output.toAbsolutePath()
                + "; resume with --resume"), log);
        assertTrue(!log.contains("No SLF4J providers"), log);
    }

    private static String readQuietly(Path file) {
        try {
            return Files.readString(file);
        } catch (Exception e) {
            return "";
        }
    }
}
