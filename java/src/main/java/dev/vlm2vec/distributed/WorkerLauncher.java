package dev.vlm2vec.distributed;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.Reader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.NullMarked;
import org.jspecify.annotations.Nullable;

/**
 * The built-in launcher ({@code --nproc-per-node N [--nnodes M --node-rank K --master-addr H
 * --master-port P]}): starts this node's N workers, each a JVM running the same command with
 * torchrun's environment ({@code RANK = K * N + local rank}, {@code WORLD_SIZE = M * N}, ...),
 * forwards their output line by line with a {@code [rank R]} prefix, and waits. When a worker
 * fails, the others fail by themselves within their --dist-timeout (naming the silent rank); any
 * still running after {@code failureGrace} get SIGTERM, then SIGKILL; the launcher exits with the
 * first failure's code. SIGTERM / Ctrl-C on the launcher is passed on to the workers, which
 * stop after their step and save once; the launcher waits for them.
 */
@NullMarked
public final class WorkerLauncher {

    /** The launcher's pid in each worker's environment: a worker whose launcher is gone stops. */
    public static final String LAUNCHER_PID = "VLM2VEC_LAUNCHER_PID";

    public record Plan(int nprocPerNode, int nnodes, int nodeRank, String masterAddr, int masterPort) {
        public Plan {
            if (nprocPerNode < 1 || nnodes < 1 || nodeRank < 0 || nodeRank >= nnodes) {
                throw new IllegalArgumentException("--nproc-per-node " + nprocPerNode + ", --nnodes " + nnodes
                        + ", --node-rank " + nodeRank + ": need N >= 1, M >= 1 and 0 <= K < M");
            }
        }

        int worldSize() {
            return nprocPerNode * nnodes;
        }
    }

    private final Plan plan;
    private final PrintStream out;
    private final PrintStream err;
    private final Duration failureGrace;

    public WorkerLauncher(Plan plan, PrintStream out, PrintStream err, Duration failureGrace) {
        this.plan = plan;
        this.out = out;
        this.err = err;
        this.failureGrace = failureGrace;
    }

    /**
     * Runs {@code mainClass args} in this node's workers (the same java, JVM options and class
     * path as this JVM) and returns the job's exit code on this node.
     */
    public int run(String mainClass, List<String> args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(javaCommand());
        command.add(mainClass);
        command.addAll(args);
        List<Process> workers = new ArrayList<>();
        List<Thread> pumps = new ArrayList<>();
        int firstRank = plan.nodeRank() * plan.nprocPerNode();
        err.printf("[launcher] node %d of %d: starting ranks %d..%d of %d (rendezvous %s:%d)%n", plan.nodeRank(),
                plan.nnodes(), firstRank, firstRank + plan.nprocPerNode() - 1, plan.worldSize(), plan.masterAddr(),
                plan.masterPort());
        Thread forwardStop = new Thread(() -> {
            stopAll(workers, Duration.ofMinutes(10));
            joinQuietly(pumps);  // the workers' last lines (where they saved) before this JVM halts
        }, "vlm2vec-launcher-stop");
        Runtime.getRuntime().addShutdownHook(forwardStop);
        try {
            for (int local = 0; local < plan.nprocPerNode(); local++) {
                int rank = firstRank + local;
                ProcessBuilder builder = new ProcessBuilder(command);
                environment(builder.environment(), rank, local);
                Process worker = builder.start();
                workers.add(worker);
                pumps.add(pump(worker.getInputStream(), out, rank));
                pumps.add(pump(worker.getErrorStream(), err, rank));
            }
            int code = await(workers);
            joinQuietly(pumps);
            return code;
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(forwardStop);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running: it stops the workers and waits for them
            }
        }
    }

    private void environment(Map<String, String> env, int rank, int local) {
        env.put("RANK", Integer.toString(rank));
        env.put("WORLD_SIZE", Integer.toString(plan.worldSize()));
        env.put("LOCAL_RANK", Integer.toString(local));
        env.put("LOCAL_WORLD_SIZE", Integer.toString(plan.nprocPerNode()));
        env.put("GROUP_RANK", Integer.toString(plan.nodeRank()));
        env.put("MASTER_ADDR", plan.masterAddr());
        env.put("MASTER_PORT", Integer.toString(plan.masterPort()));
        env.put(WorkerEnvironment.LAUNCHED, "1");
        env.put(LAUNCHER_PID, Long.toString(ProcessHandle.current().pid()));
        // Like torchrun: N workers share the node's CPUs instead of each taking all of them.
        if (!env.containsKey("VLM2VEC_THREADS") && !env.containsKey("OMP_NUM_THREADS")) {
            env.put("VLM2VEC_THREADS", Integer.toString(Math.max(1, Runtime.getRuntime().availableProcessors()
                    / plan.nprocPerNode())));
        }
    }

    // Waits for every worker; on the first failure stops the rest (SIGTERM, then SIGKILL after the grace).
    private int await(List<Process> workers) throws InterruptedException {
        Integer firstFailure = null;
        long stopAt = Long.MAX_VALUE, killAt = Long.MAX_VALUE;
        boolean[] reported = new boolean[workers.size()];
        int firstRank = plan.nodeRank() * plan.nprocPerNode();
        while (true) {
            boolean alive = false;
            for (int i = 0; i < workers.size(); i++) {
                Process worker = workers.get(i);
                if (worker.isAlive()) {
                    alive = true;
                    continue;
                }
                if (reported[i]) {
                    continue;
                }
                reported[i] = true;
                int code = worker.exitValue();
                if (code != 0 && firstFailure == null) {
                    firstFailure = code;
                    // The others fail by themselves within --dist-timeout, saying which rank went silent;
                    // only those that do not are stopped.
                    err.printf("[launcher] rank %d (pid %d) %s; the other workers stop within %d s%n", firstRank + i,
                            worker.pid(), describe(code), failureGrace.toSeconds());
                    stopAt = System.nanoTime() + failureGrace.toNanos();
                } else if (code != 0) {
                    err.printf("[launcher] rank %d (pid %d) %s%n", firstRank + i, worker.pid(), describe(code));
                }
            }
            if (!alive) {
                break;
            }
            long now = System.nanoTime();
            if (now > stopAt) {
                for (int i = 0; i < workers.size(); i++) {
                    if (workers.get(i).isAlive()) {
                        err.printf("[launcher] rank %d did not stop within %d s: sending SIGTERM%n", firstRank + i,
                                failureGrace.toSeconds());
                        signal(workers.get(i), false);
                    }
                }
                stopAt = Long.MAX_VALUE;
                killAt = now + TimeUnit.SECONDS.toNanos(15);
            }
            if (now > killAt) {
                for (int i = 0; i < workers.size(); i++) {
                    if (workers.get(i).isAlive()) {
                        err.printf("[launcher] rank %d ignored SIGTERM: killing it%n", firstRank + i);
                        signal(workers.get(i), true);
                    }
                }
                killAt = Long.MAX_VALUE;
            }
            Thread.sleep(50);
        }
        if (firstFailure != null) {
            return firstFailure;
        }
        return 0;
    }

    static String describe(int code) {
        if (code > 128 && code < 160) {
            int signal = code - 128;
            String name = switch (signal) {
                case 9 -> "SIGKILL";
                case 15 -> "SIGTERM";
                case 6 -> "SIGABRT";
                case 11 -> "SIGSEGV";
                case 2 -> "SIGINT";
                default -> "signal " + signal;
            };
            return "was killed by " + name + " (exit code " + code + ")";
        }
        return "exited with code " + code;
    }

    // SIGTERM (or SIGKILL) through the process handle: Process.destroy would also close the pipes
    // and lose what the worker prints while it stops.
    private static void signal(Process worker, boolean kill) {
        if (kill) {
            worker.toHandle().destroyForcibly();
        } else {
            worker.toHandle().destroy();
        }
    }

    private static void joinQuietly(List<Thread> pumps) {
        for (Thread pump : List.copyOf(pumps)) {
            try {
                pump.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private static void stopAll(List<Process> workers, Duration wait) {
        for (Process worker : List.copyOf(workers)) {
            if (worker.isAlive()) {
                signal(worker, false);  // SIGTERM: the worker finishes its step and (rank 0) saves
            }
        }
        long deadline = System.nanoTime() + wait.toNanos();
        for (Process worker : List.copyOf(workers)) {
            try {
                long left = Math.max(0, deadline - System.nanoTime());
                if (!worker.waitFor(left, TimeUnit.NANOSECONDS)) {
                    signal(worker, true);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    // Copies a worker's stream, "[rank R] " before each line ('\r' progress updates count as lines).
    private static Thread pump(InputStream stream, PrintStream to, int rank) {
        String prefix = "[rank " + rank + "] ";
        Thread thread = new Thread(() -> {
            try (Reader reader = new InputStreamReader(stream, StandardCharsets.UTF_8)) {
                StringBuilder line = new StringBuilder();
                int c;
                while ((c = reader.read()) >= 0) {
                    line.append((char) c);
                    if (c == '\n' || c == '\r') {
                        synchronized (to) {
                            to.print(prefix + line);
                            to.flush();
                        }
                        line.setLength(0);
                    }
                }
                if (!line.isEmpty()) {
                    synchronized (to) {
                        to.println(prefix + line);
                    }
                }
            } catch (IOException e) {
                // the worker is gone; its exit code tells the rest
            }
        }, "vlm2vec-rank-" + rank + "-output");
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    // This JVM's java binary, options and class path: a worker runs exactly what the launcher runs.
    private static List<String> javaCommand() {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        for (String option : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (!option.startsWith("-agentlib:jdwp") && !option.startsWith("-javaagent")) {  // a debugger port is one per JVM
                command.add(option);
            }
        }
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        return command;
    }

    /**
     * In a worker this launcher started: stops the JVM (running its shutdown hooks, so training
     * saves once) when the launcher is gone, e.g. killed with SIGKILL.
     */
    public static void exitWithLauncher(Map<String, String> environment) {
        @Nullable String pid = environment.get(LAUNCHER_PID);
        if (pid == null) {
            return;
        }
        Optional<ProcessHandle> launcher;
        try {
            launcher = ProcessHandle.of(Long.parseLong(pid.strip()));
        } catch (NumberFormatException e) {
            return;
        }
        if (launcher.isEmpty()) {
            System.exit(143);
        }
        launcher.get().onExit().thenRun(() -> {
            System.err.println("the launcher (pid " + pid + ") is gone: stopping this worker");
            System.exit(143);
        });
    }
}
