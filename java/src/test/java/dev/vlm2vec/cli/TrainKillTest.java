package dev.vlm2vec.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vlm2vec.ffi.ModelDType;
import dev.vlm2vec.ffi.NativeModel;
import dev.vlm2vec.train.TrainingRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 of `train` at seeded random moments, a checkpoint written every step so kills land in
 * saves: after each kill the newest checkpoint is complete (its adapter loads, its state
 * parses) and `--resume` continues from it; nothing half-written is ever picked up.
 */
class TrainKillTest {

    private static final int KILLS = 6;

    @Test
    void killedRunsLeaveCompleteCheckpointsThatResume(@TempDir Path directory) throws Exception {
        Path data = directory.resolve("mini");
        assertEquals(0, CliRun.of("make-synthetic", "--output", data.toString(), "--size", "8").exitCode());
        Path base = directory.resolve("base");
        dev.vlm2vec.ffi.TinyModels.write("phi3_v", base, 42, 0);
        Path output = directory.resolve("run");
        Random random = new Random(20261201);
        long lastStep = 0;
        for (int kill = 0; kill < KILLS; kill++) {
            List<String> command = new ArrayList<>(ChildJvm.cli(List.of("train", "--model", base.toString(), "--data", data.resolve("train").toString(), "--output",
                    output.toString(), "--steps", "100000", "--batch-size", "4", "--gc-chunk", "2", "--no-eval",
                    "--save-every", "1", "--save-total-limit", "3", "--datasets", "MINI-ShapeClass")));
            if (kill > 0) {
                command.add("--resume");
            }
            Path log = directory.resolve("log-" + kill + ".txt");
            Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            // Wait for this run's first new step, then kill at a random moment within the next steps.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            Path metrics = output.resolve("metrics.jsonl");
            while ((!Files.isRegularFile(metrics) || Files.readAllLines(metrics).size() <= lastStep)
                    && System.nanoTime() < deadline) {
                assertTrue(process.isAlive(), Files.readString(log));
                Thread.sleep(20);
            }
            Thread.sleep(random.nextInt(600));
            process.destroyForcibly();  // SIGKILL: no shutdown hook, no final save
            assertTrue(process.waitFor(60, TimeUnit.SECONDS));

            Path checkpoint = TrainingRun.latestCheckpoint(output).orElseThrow(
                    () -> new AssertionError("no checkpoint after a kill:\n" + readQuietly(log)));
            long step = TrainingRun.stepOf(checkpoint);
            assertTrue(step >= lastStep, "went back from " + lastStep + " to " + step);
            assertEquals(step, new ObjectMapper().readTree(checkpoint.resolve("trainer_state.json").toFile())
                    .get("step").asLong(), checkpoint.toString());
            try (NativeModel model = NativeModel.load(base, "cpu", ModelDType.FLOAT32)) {
                model.loadAdapter(checkpoint, false);
            }
            lastStep = step;
        }
        // A last resume runs to completion from the newest checkpoint.
        CliRun finish = CliRun.of("train", "--model", base.toString(), "--data", data.resolve("train").toString(),
                "--output", output.toString(), "--steps", Long.toString(lastStep + 2), "--batch-size", "4", "--gc-chunk", "2",
                "--no-eval", "--datasets", "MINI-ShapeClass", "--resume");
        assertEquals(0, finish.exitCode(), finish.err());
        assertTrue(finish.err().contains("at step " + lastStep) || finish.err().contains("resumed from"), finish.err());
    }

    private static String readQuietly(Path file) {
        try {
            return Files.readString(file);
        } catch (Exception e) {
            return "(no log: " + e + ")";
        }
    }
}
