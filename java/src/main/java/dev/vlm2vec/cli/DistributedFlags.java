package dev.vlm2vec.cli;

import dev.vlm2vec.distributed.WorkerEnvironment;
import dev.vlm2vec.distributed.WorkerLauncher;
import dev.vlm2vec.ffi.NativeProcessGroup;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.NullMarked;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * Data parallelism for train and eval (a picocli mixin): the built-in launcher's flags, and for a
 * worker (started by that launcher, torchrun, SLURM or a PyTorchJob: {@code WORLD_SIZE} set) its
 * process group. Without either, a command runs as one process.
 */
@NullMarked
final class DistributedFlags {

    /** The flags only the launcher reads; its workers get the command line without them. */
    private static final Set<String> LAUNCHER_FLAGS = Set.of("--nproc-per-node", "--nnodes", "--node-rank",
            "--master-addr", "--master-port");

    @Option(names = "--nproc-per-node", paramLabel = "N", description = "Start N worker processes on this node (one per"
            + " GPU, or CPU workers) and run data-parallel; see docs/distributed.md.")
    int nprocPerNode = 0;

    @Option(names = "--nnodes", paramLabel = "M", description = "Nodes of the job, each running this launcher. Default: ${DEFAULT-VALUE}.")
    int nnodes = 1;

    @Option(names = "--node-rank", paramLabel = "K", description = "This node's index, 0..M-1. Default: ${DEFAULT-VALUE}.")
    int nodeRank = 0;

    @Option(names = "--master-addr", paramLabel = "HOST", description = "Host of rank 0 (node 0). Default: ${DEFAULT-VALUE}.")
    String masterAddr = "127.0.0.1";

    @Option(names = "--master-port", paramLabel = "PORT", description = "Rendezvous port on that host. Default: ${DEFAULT-VALUE}.")
    int masterPort = 29500;

    @Option(names = "--dist-backend", paramLabel = "gloo|nccl", description = "Collectives backend; default: nccl on"
            + " CUDA, gloo on CPU.")
    @Nullable String backend;

    @Option(names = "--dist-timeout", paramLabel = "SECONDS", description = "How long ranks wait for each other (joining,"
            + " every collective) before failing, naming the silent ranks. Default: ${DEFAULT-VALUE}.")
    int timeoutSeconds = 300;

    /** Whether this process is the launcher (it starts workers instead of working). */
    boolean launches(Map<String, String> environment) {
        if (nprocPerNode == 0 || environment.containsKey(WorkerEnvironment.LAUNCHED)) {
            return false;
        }
        if (environment.containsKey("WORLD_SIZE")) {
            throw new IllegalArgumentException("--nproc-per-node: this process already is a worker of a distributed job"
                    + " (WORLD_SIZE is set, e.g. by torchrun): leave the launcher flags to that launcher");
        }
        return true;
    }

    void check() {
        FlagChecks.within("--nproc-per-node", nprocPerNode, 0, 1024);
        FlagChecks.within("--nnodes", nnodes, 1, 4096);
        FlagChecks.within("--node-rank", nodeRank, 0, nnodes - 1);
        FlagChecks.within("--master-port", masterPort, 1, 65535);
        FlagChecks.within("--dist-timeout", timeoutSeconds, 1, 86_400);
        if (backend != null && !backend.equals("gloo") && !backend.equals("nccl")) {
            throw new IllegalArgumentException("--dist-backend " + backend + " is not one of gloo, nccl");
        }
        if (nprocPerNode == 0 && (nnodes != 1 || nodeRank != 0)) {
            throw new IllegalArgumentException("--nnodes / --node-rank need --nproc-per-node N (the workers to start on"
                    + " this node)");
        }
    }

    /** Runs this command's own command line, launcher flags removed, in this node's workers. */
    int launch(CommandLine.Model.CommandSpec spec) throws IOException {
        check();
        List<String> all = spec.commandLine().getParseResult().originalArgs();
        List<String> args = new ArrayList<>();
        // The command path up to this subcommand, then its arguments without the launcher's flags.
        // (A command re-run by --config was given only its own arguments.)
        List<String> rest = spec.commandLine().getParent() == null ? all
                : all.subList(all.indexOf(spec.name()) + 1, all.size());
        args.add(spec.name());
        for (int i = 0; i < rest.size(); i++) {
            String arg = rest.get(i);
            String name = arg.contains("=") ? arg.substring(0, arg.indexOf('=')) : arg;
            if (LAUNCHER_FLAGS.contains(name)) {
                if (!arg.contains("=")) {
                    i++;  // its value
                }
                continue;
            }
            args.add(arg);
        }
        WorkerLauncher launcher = new WorkerLauncher(new WorkerLauncher.Plan(nprocPerNode, nnodes, nodeRank, masterAddr,
                masterPort), System.out, System.err, Duration.ofSeconds(timeoutSeconds + 30L));
        try {
            return launcher.run(Vlm2VecCli.class.getName(), args);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 130;
        }
    }

    /** This worker's place in the job, or empty for a single process. */
    Optional<WorkerEnvironment> worker(Map<String, String> environment) {
        check();
        return WorkerEnvironment.of(environment);
    }

    /** A worker's device: plain "cuda" means this node's GPU LOCAL_RANK. */
    static String device(String device, WorkerEnvironment worker) {
        return device.equals("cuda") ? "cuda:" + worker.localRank() : device;
    }

    /** Joins the job's process group named {@code name} (train and eval of one job do not mix). */
    NativeProcessGroup join(WorkerEnvironment worker, String device, String name) {
        String chosen = backend != null ? backend : device.startsWith("cuda") ? "nccl" : "gloo";
        if (chosen.equals("nccl") && !device.startsWith("cuda")) {
            throw new IllegalArgumentException("--dist-backend nccl needs --device cuda (NCCL moves GPU tensors); on the"
                    + " CPU use gloo");
        }
        WorkerLauncher.exitWithLauncher(System.getenv());
        return NativeProcessGroup.join(new NativeProcessGroup.Options(worker.rank(), worker.worldSize(),
                worker.masterAddr(), worker.masterPort(), chosen, chosen.equals("nccl") ? device : "cpu", name,
                Duration.ofSeconds(timeoutSeconds)));
    }

    /** What a rank other than 0 prints: nothing but its errors (which the CLI prints itself). */
    static PrintWriter quietUnlessRankZero(PrintWriter writer, @Nullable NativeProcessGroup group) {
        return group == null || group.isRankZero() ? writer : new PrintWriter(Writer.nullWriter());
    }
}
