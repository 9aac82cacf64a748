package dev.vlm2vec.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vlm2vec.ffi.ModelDType;
import dev.vlm2vec.ffi.NativeModel;
import dev.vlm2vec.testing.SafetensorsFloats;
import dev.vlm2vec.train.TrainingRun;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Data-parallel `train` and `eval` in real processes on gloo over loopback, launched the three ways
 * a job starts (the built-in launcher, two launchers as two "nodes", torchrun's environment set by
 * this harness), each against the single process on the global batch (dropout 0): per-step losses
 * and trained weights within 1e-5 relative. Then faults: a killed worker fails the job naming its
 * rank and the last checkpoint resumes; a hung (stopped) rank fails the others within the timeout,
 * named; SIGTERM on the launcher saves once.
 */
class DistributedTrainTest {

    @TempDir
    static Path shared;

    private static Path data;
    private static Path base;

    @BeforeAll
    static void writeDataAndModel() {
        data = shared.resolve("mini");
        assertEquals(0, CliRun.of("make-synthetic", "--output", data.toString(), "--size", "16").exitCode());
        base = shared.resolve("base");
        dev.vlm2vec.ffi.TinyModels.write("phi3_v", base, 42, 0);
    }

    // Settings every run here shares; --warmup 0 so that the first step already moves the weights.
    private static List<String> train(Path output, int batchSize, String... more) {
        List<String> args = new ArrayList<>(List.of("train", "--model", base.toString(), "--data",
                data.resolve("train").toString(), "--output", output.toString(), "--steps", "3", "--batch-size",
                Integer.toString(batchSize), "--warmup", "0", "--no-eval", "--dist-timeout", "60"));
        args.addAll(List.of(more));
        if (!args.contains("--full")) {
            args.addAll(List.of("--lora-dropout", "0"));  // no dropout: one process and many draw different masks
        }
        return args;
    }

    @Test
    void launcherWithTwoRanksMatchesOneProcessWithGradCacheAndHardNegatives(@TempDir Path directory) throws Exception {
        Path one = directory.resolve("one"), two = directory.resolve("two");
        CliRun single = CliRun.of(train(one, 8, "--gc-chunk", "2", "--hard-negatives").toArray(String[]::new));
        assertEquals(0, single.exitCode(), single.err());
        Finished job = run(ChildJvm.cli(join(train(two, 4, "--gc-chunk", "2", "--hard-negatives"), "--nproc-per-node", "2",
                "--master-port", Integer.toString(freePort()))), Map.of(), directory.resolve("log.txt"));
        assertEquals(0, job.code(), job.log());
        assertTrue(job.log().contains("[rank 0] training on"), job.log());
        assertTrue(job.log().contains("8 (2 ranks x 4) pairs"), job.log());
        assertTrue(!job.log().contains("[rank 1] training on"), "rank 1 logs only errors:\n" + job.log());
        assertSameTraining(one, two, "adapter_model.safetensors");
        JsonNode first = new ObjectMapper().readTree(Files.readAllLines(two.resolve("metrics.jsonl")).get(0));
        assertEquals(2, first.get("world_size").asInt());
        assertTrue(first.get("comm_s").asDouble() > 0, first.toString());
    }

    @Test
    void fullFineTuningWithoutGradCacheMatchesUnderTorchrunEnvironment(@TempDir Path directory) throws Exception {
        Path one = directory.resolve("one"), two = directory.resolve("two");
        CliRun single = CliRun.of(train(one, 8, "--full", "--gc-chunk", "0", "--lr", "1e-4").toArray(String[]::new));
        assertEquals(0, single.exitCode(), single.err());
        // What torchrun --nproc-per-node 2 --no-python gives each process: no launcher of ours.
        int port = freePort();
        List<Process> ranks = new ArrayList<>();
        for (int rank = 0; rank < 2; rank++) {
            ProcessBuilder builder = new ProcessBuilder(ChildJvm.cli(train(two, 4, "--full", "--gc-chunk", "0", "--lr", "1e-4")))
                    .redirectErrorStream(true).redirectOutput(directory.resolve("rank" + rank + ".txt").toFile());
            builder.environment().putAll(Map.of("RANK", "" + rank, "LOCAL_RANK", "" + rank, "WORLD_SIZE", "2",
                    "LOCAL_WORLD_SIZE", "2", "MASTER_ADDR", "127.0.0.1", "MASTER_PORT", "" + port, "OMP_NUM_THREADS", "1",
                    "TORCHELASTIC_RUN_ID", "test"));
            ranks.add(builder.start());
        }
        for (int rank = 0; rank < 2; rank++) {
            assertTrue(ranks.get(rank).waitFor(240, TimeUnit.SECONDS));
            assertEquals(0, ranks.get(rank).exitValue(), Files.readString(directory.resolve("rank" + rank + ".txt")));
        }
        assertSameTraining(one, two, "model/model.safetensors");
    }

    @Test
    void twoLaunchersAsTwoNodesMatchOneProcess(@TempDir Path directory) throws Exception {
        Path one = directory.resolve("one"), two = directory.resolve("two");
        CliRun single = CliRun.of(train(one, 8, "--gc-chunk", "4").toArray(String[]::new));
        assertEquals(0, single.exitCode(), single.err());
        String port = Integer.toString(freePort());
        List<Process> nodes = new ArrayList<>();
        for (int node = 0; node < 2; node++) {
            nodes.add(new ProcessBuilder(ChildJvm.cli(join(train(two, 4, "--gc-chunk", "4"), "--nproc-per-node", "1",
                    "--nnodes", "2", "--node-rank", "" + node, "--master-addr", "127.0.0.1", "--master-port", port)))
                    .redirectErrorStream(true).redirectOutput(directory.resolve("node" + node + ".txt").toFile()).start());
        }
        for (int node = 0; node < 2; node++) {
            assertTrue(nodes.get(node).waitFor(240, TimeUnit.SECONDS));
            assertEquals(0, nodes.get(node).exitValue(), Files.readString(directory.resolve("node" + node + ".txt")));
        }
        assertTrue(Files.readString(directory.resolve("node1.txt")).contains("starting ranks 1..1 of 2"));
        assertSameTraining(one, two, "adapter_model.safetensors");
    }

    @Test
    void aKilledWorkerFailsTheJobNamingItsRankAndTheLastCheckpointResumes(@TempDir Path directory) throws Exception {
        Path output = directory.resolve("run");
        Path log = directory.resolve("log.txt");
        List<String> args = train(output, 4, "--gc-chunk", "2", "--save-every", "1");
        args.set(args.indexOf("--dist-timeout") + 1, "20");
        args.set(args.indexOf("--steps") + 1, "100000");
        Process launcher = new ProcessBuilder(ChildJvm.cli(join(args, "--nproc-per-node", "2", "--master-port",
                "" + freePort()))).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        awaitSteps(output.resolve("metrics.jsonl"), 2, launcher, log);
        ProcessHandle rank1 = workerOfRank(launcher, 1);
        rank1.destroyForcibly();
        long killed = System.nanoTime();
        assertTrue(launcher.waitFor(120, TimeUnit.SECONDS), "the job did not end after a worker died");
        double seconds = (System.nanoTime() - killed) / 1e9;
        String text = Files.readString(log);
        assertNotEquals(0, launcher.exitValue(), text);
        assertTrue(text.contains("[launcher] rank 1 (pid " + rank1.pid() + ") was killed by SIGKILL"), text);
        assertTrue(text.contains("rank 1 stopped answering"), "rank 0 names the dead rank:\n" + text);
        assertTrue(seconds < 20 + 30, "the job took " + seconds + " s to end, more than --dist-timeout and the grace");

        Path checkpoint = TrainingRun.latestCheckpoint(output).orElseThrow();
        try (NativeModel model = NativeModel.load(base, "cpu", ModelDType.FLOAT32)) {
            model.loadAdapter(checkpoint, false);
        }
        long step = TrainingRun.stepOf(checkpoint);
        List<String> resume = train(output, 4, "--gc-chunk", "2", "--resume");
        resume.set(resume.indexOf("--steps") + 1, Long.toString(step + 2));
        Finished resumed = run(ChildJvm.cli(join(resume, "--nproc-per-node", "2", "--master-port", "" + freePort())),
                Map.of(), directory.resolve("resume.txt"));
        assertEquals(0, resumed.code(), resumed.log());
        assertTrue(resumed.log().contains("resumed from " + checkpoint), resumed.log());
        assertTrue(Files.isDirectory(output.resolve("checkpoint-" + (step + 2))));
    }

    @Test
    void aHangingRankFailsTheOthersWithinTheTimeoutNamingIt(@TempDir Path directory) throws Exception {
        Path output = directory.resolve("run");
        List<String> args = train(output, 4, "--gc-chunk", "2");
        args.set(args.indexOf("--steps") + 1, "100000");
        args.set(args.indexOf("--dist-timeout") + 1, "5");
        int port = freePort();
        List<Process> ranks = new ArrayList<>();
        for (int rank = 0; rank < 2; rank++) {
            ProcessBuilder builder = new ProcessBuilder(ChildJvm.cli(args)).redirectErrorStream(true)
                    .redirectOutput(directory.resolve("rank" + rank + ".txt").toFile());
            builder.environment().putAll(Map.of("RANK", "" + rank, "LOCAL_RANK", "" + rank, "WORLD_SIZE", "2",
                    "LOCAL_WORLD_SIZE", "2", "MASTER_ADDR", "127.0.0.1", "MASTER_PORT", "" + port, "VLM2VEC_THREADS", "1"));
            ranks.add(builder.start());
        }
        try {
            awaitSteps(output.resolve("metrics.jsonl"), 2, ranks.get(0), directory.resolve("rank0.txt"));
            // SIGSTOP: rank 1 is alive but answers nothing, as a hung process (a deadlock, a stuck GPU).
            assertEquals(0, new ProcessBuilder("kill", "-STOP", Long.toString(ranks.get(1).pid())).start().waitFor());
            long stopped = System.nanoTime();
            assertTrue(ranks.get(0).waitFor(60, TimeUnit.SECONDS), "rank 0 still waits for the hung rank");
            double seconds = (System.nanoTime() - stopped) / 1e9;
            String log = Files.readString(directory.resolve("rank0.txt"));
            assertEquals(1, ranks.get(0).exitValue(), log);
            assertTrue(log.contains("failed within --dist-timeout 5 s: rank 1 stopped answering"), log);
            assertTrue(seconds < 5 + 3 + 10, "rank 0 took " + seconds + " s, more than the timeout and the grace for marks");
            assertTrue(!log.contains("\tat "), "no stack trace:\n" + log);
        } finally {
            ranks.forEach(Process::destroyForcibly);
        }
    }

    @Test
    void sigtermOnTheLauncherStopsEveryWorkerAndSavesOnce(@TempDir Path directory) throws Exception {
        Path output = directory.resolve("run");
        Path log = directory.resolve("log.txt");
        List<String> args = train(output, 4, "--gc-chunk", "2");
        args.set(args.indexOf("--steps") + 1, "100000");
        Process launcher = new ProcessBuilder(ChildJvm.cli(join(args, "--nproc-per-node", "2", "--master-port",
                "" + freePort()))).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        awaitSteps(output.resolve("metrics.jsonl"), 2, launcher, log);
        List<ProcessHandle> workers = launcher.children().toList();
        launcher.destroy();  // SIGTERM, as a scheduler stopping the job sends
        assertTrue(launcher.waitFor(120, TimeUnit.SECONDS));
        for (ProcessHandle worker : workers) {
            assertTrue(worker.onExit().get(60, TimeUnit.SECONDS).isAlive() == false);
        }
        List<Path> checkpoints;
        try (var entries = Files.list(output)) {
            checkpoints = entries.filter(p -> p.getFileName().toString().startsWith("checkpoint-")).toList();
        }
        assertEquals(1, checkpoints.size(), "one save for the whole job: " + checkpoints + "\n" + Files.readString(log));
        long step = TrainingRun.stepOf(checkpoints.get(0));
        assertEquals(step, Files.readAllLines(output.resolve("metrics.jsonl")).size(), Files.readString(log));
        assertTrue(Files.readString(log).contains("saved checkpoint-" + step), Files.readString(log));
    }

    @Test
    void distributedEvalGivesTheSingleProcessScores(@TempDir Path directory) throws Exception {
        Path one = directory.resolve("one"), two = directory.resolve("two");
        List<String> eval = List.of("eval", "--model", base.toString(), "--data", data.resolve("eval").toString(),
                "--batch-size", "3");
        CliRun single = CliRun.of(join(eval, "--output", one.toString()).toArray(String[]::new));
        assertEquals(0, single.exitCode(), single.err());
        Finished job = run(ChildJvm.cli(join(eval, "--output", two.toString(), "--nproc-per-node", "2", "--master-port",
                "" + freePort())), Map.of(), directory.resolve("log.txt"));
        assertEquals(0, job.code(), job.log());
        List<Path> scores;
        try (var entries = Files.list(one)) {
            scores = entries.filter(p -> p.getFileName().toString().endsWith("_score.json")).sorted().toList();
        }
        assertTrue(scores.size() >= 3, scores.toString());
        ObjectMapper json = new ObjectMapper();
        for (Path score : scores) {
            JsonNode expected = json.readTree(score.toFile()), actual = json.readTree(two.resolve(score.getFileName()).toFile());
            assertEquals(expected, actual, score.getFileName().toString());
            assertEquals(Files.readString(one.resolve(score.getFileName().toString().replace("_score.json", "_pred.jsonl"))),
                    Files.readString(two.resolve(score.getFileName().toString().replace("_score.json", "_pred.jsonl"))));
        }
    }

    @Test
    void launcherFlagsUnderTorchrunAndBadEnvironmentAreNamed(@TempDir Path directory) throws Exception {
        Finished nested = run(ChildJvm.cli(train(directory.resolve("x"), 4, "--nproc-per-node", "2")),
                Map.of("WORLD_SIZE", "2", "RANK", "0"), directory.resolve("nested.txt"));
        assertEquals(1, nested.code());
        assertTrue(nested.log().contains("already is a worker of a distributed job"), nested.log());
        Finished noAddr = run(ChildJvm.cli(train(directory.resolve("y"), 4)), Map.of("WORLD_SIZE", "2", "RANK", "1",
                "LOCAL_RANK", "1", "LOCAL_WORLD_SIZE", "2"), directory.resolve("no-addr.txt"));
        assertEquals(1, noAddr.code());
        assertTrue(noAddr.log().contains("MASTER_ADDR is not set"), noAddr.log());
        Finished badRank = run(ChildJvm.cli(train(directory.resolve("z"), 4)), Map.of("WORLD_SIZE", "2", "RANK", "2",
                "LOCAL_RANK", "0", "LOCAL_WORLD_SIZE", "1", "MASTER_ADDR", "127.0.0.1", "MASTER_PORT", "29500"),
                directory.resolve("bad-rank.txt"));
        assertEquals(1, badRank.code());
        assertTrue(badRank.log().contains("RANK 2 with WORLD_SIZE 2 is invalid"), badRank.log());
        assertTrue(!badRank.log().contains("\tat "), "no stack trace:\n" + badRank.log());
    }

    // --- helpers ---------------------------------------------------------------------------------

    private record Finished(int code, String log) {}

    private static Finished run(List<String> command, Map<String, String> environment, Path log) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().putAll(environment);
        Process process = builder.start();
        if (!process.waitFor(240, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("timed out:\n" + Files.readString(log));
        }
        return new Finished(process.exitValue(), Files.readString(log));
    }

    private static List<String> join(List<String> args, String... more) {
        List<String> all = new ArrayList<>(args);
        all.addAll(List.of(more));
        return all;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static void awaitSteps(Path metrics, int steps, Process launcher, Path log) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
        while ((!Files.isRegularFile(metrics) || Files.readAllLines(metrics).size() < steps) && System.nanoTime() < deadline) {
            assertTrue(launcher.isAlive(), Files.readString(log));
            Thread.sleep(50);
        }
    }

    // The launcher's worker whose environment says RANK=rank (Linux: /proc/PID/environ).
    private static ProcessHandle workerOfRank(Process launcher, int rank) throws IOException {
        for (ProcessHandle child : launcher.children().toList()) {
            String environ = Files.readString(Path.of("/proc", Long.toString(child.pid()), "environ"));
            if (List.of(environ.split("\u0000")).contains("RANK=" + rank)) {
                return child;
            }
        }
        throw new AssertionError("no worker of rank " + rank);
    }

    // Same per-step loss and the same trained tensors (relative to each tensor set's largest entry).
    private static void assertSameTraining(Path one, Path two, String weights) throws IOException {
        ObjectMapper json = new ObjectMapper();
        List<String> expected = Files.readAllLines(one.resolve("metrics.jsonl"));
        List<String> actual = Files.readAllLines(two.resolve("metrics.jsonl"));
        assertEquals(expected.size(), actual.size());
        for (int i = 0; i < expected.size(); i++) {
            double a = json.readTree(actual.get(i)).get("loss").asDouble(), e = json.readTree(expected.get(i)).get("loss").asDouble();
            assertTrue(Math.abs(a - e) <= 1e-5 * Math.abs(e), "step " + (i + 1) + ": loss " + a + " vs " + e);
        }
        Map<String, float[]> e = SafetensorsFloats.read(one.resolve("checkpoint-3").resolve(weights));
        Map<String, float[]> a = SafetensorsFloats.read(two.resolve("checkpoint-3").resolve(weights));
        assertEquals(e.keySet(), a.keySet());
        float[] all = e.values().stream().reduce(new float[0], DistributedTrainTest::concat);
        float[] allActual = e.keySet().stream().map(a::get).reduce(new float[0], DistributedTrainTest::concat);
        double worst = SafetensorsFloats.maxRelativeDifference(allActual, all);
        assertTrue(worst <= 1e-5, "trained weights differ by " + worst + " (max |a - b| / max |b|)");
    }

    private static float[] concat(float[] a, float[] b) {
        float[] both = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        return both;
    }
}
