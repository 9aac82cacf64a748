package dev.vlm2vec.distributed;

import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.NullMarked;
import org.jspecify.annotations.Nullable;

/**
 * Where this process stands in a data-parallel job, read from the environment contract torchrun,
 * SLURM/Kubernetes PyTorchJob set-ups and {@link WorkerLauncher} share: {@code RANK},
 * {@code WORLD_SIZE}, {@code LOCAL_RANK}, {@code LOCAL_WORLD_SIZE}, {@code MASTER_ADDR},
 * {@code MASTER_PORT} ({@code LOCAL_*} default to one process per node, as a PyTorchJob without
 * torchrun runs). No {@code WORLD_SIZE}: a single process.
 */
@NullMarked
public record WorkerEnvironment(int rank, int worldSize, int localRank, int localWorldSize, String masterAddr,
        int masterPort) {

    /** Set by {@link WorkerLauncher} in its workers, so that a worker never launches again. */
    public static final String LAUNCHED = "VLM2VEC_LAUNCHED";

    public WorkerEnvironment {
        if (worldSize < 1 || rank < 0 || rank >= worldSize) {
            throw new IllegalArgumentException("RANK " + rank + " with WORLD_SIZE " + worldSize + " is invalid: RANK must"
                    + " be within 0..WORLD_SIZE-1");
        }
        if (localWorldSize < 1 || localRank < 0 || localRank >= localWorldSize) {
            throw new IllegalArgumentException("LOCAL_RANK " + localRank + " with LOCAL_WORLD_SIZE " + localWorldSize
                    + " is invalid: LOCAL_RANK must be within 0..LOCAL_WORLD_SIZE-1");
        }
    }

    /** The job this process belongs to, or empty when {@code WORLD_SIZE} is unset (one process). */
    public static Optional<WorkerEnvironment> of(Map<String, String> environment) {
        @Nullable String world = environment.get("WORLD_SIZE");
        if (world == null || world.isBlank()) {
            return Optional.empty();
        }
        int worldSize = number(environment, "WORLD_SIZE", null);
        int rank = number(environment, "RANK", null);
        // A Kubernetes PyTorchJob without torchrun runs one process per pod and sets neither.
        int localWorldSize = number(environment, "LOCAL_WORLD_SIZE", "1");
        int localRank = number(environment, "LOCAL_RANK", "0");
        String addr = environment.getOrDefault("MASTER_ADDR", "").strip();
        if (addr.isEmpty()) {
            if (worldSize > 1) {
                throw new IllegalArgumentException("WORLD_SIZE is " + worldSize + " but MASTER_ADDR is not set: set it to"
                        + " the host of rank 0 (torchrun and PyTorchJob set it)");
            }
            addr = "127.0.0.1";
        }
        int port = number(environment, "MASTER_PORT", worldSize == 1 ? "29500" : null);
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("MASTER_PORT " + port + " is not a port: give 1..65535");
        }
        return Optional.of(new WorkerEnvironment(rank, worldSize, localRank, localWorldSize, addr, port));
    }

    public boolean isRankZero() {
        return rank == 0;
    }

    private static int number(Map<String, String> environment, String name, @Nullable String fallback) {
        @Nullable String value = environment.get(name);
        if (value == null || value.isBlank()) {
            if (fallback == null) {
                throw new IllegalArgumentException("WORLD_SIZE is set (a distributed job) but " + name + " is not: the"
                        + " launcher must set RANK, WORLD_SIZE, MASTER_ADDR and MASTER_PORT (and LOCAL_RANK,"
                        + " LOCAL_WORLD_SIZE with several processes per node)");
            }
            value = fallback;
        }
        try {
            return Integer.parseInt(value.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + "=" + value + " is not a whole number");
        }
    }
}
