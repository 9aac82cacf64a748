package dev.vlm2vec.distributed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The launchers' environment contract: torchrun's, a PyTorchJob's (one process per pod), none. */
class WorkerEnvironmentTest {

    @Test
    void readsTorchrunsVariables() {
        WorkerEnvironment worker = WorkerEnvironment.of(Map.of("RANK", "5", "WORLD_SIZE", "8", "LOCAL_RANK", "1",
                "LOCAL_WORLD_SIZE", "4", "MASTER_ADDR", "node-0", "MASTER_PORT", "29400", "GROUP_RANK", "1")).orElseThrow();
        assertEquals(new WorkerEnvironment(5, 8, 1, 4, "node-0", 29400), worker);
        assertTrue(!worker.isRankZero());
    }

    @Test
    void aPyTorchJobPodIsOneProcessOfItsNode() {
        WorkerEnvironment pod = WorkerEnvironment.of(Map.of("RANK", "2", "WORLD_SIZE", "3", "MASTER_ADDR",
                "job-master-0", "MASTER_PORT", "23456", "KUBERNETES_PORT", "tcp://10.0.0.1:443")).orElseThrow();
        assertEquals(0, pod.localRank());
        assertEquals(1, pod.localWorldSize());
    }

    @Test
    void withoutWorldSizeItIsOneProcess() {
        assertTrue(WorkerEnvironment.of(Map.of("RANK", "3")).isEmpty());
        assertEquals(new WorkerEnvironment(0, 1, 0, 1, "127.0.0.1", 29500),
                WorkerEnvironment.of(Map.of("WORLD_SIZE", "1", "RANK", "0")).orElseThrow());
    }

    @Test
    void missingOrBadVariablesAreNamed() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> WorkerEnvironment.of(Map.of("WORLD_SIZE", "2",
                "RANK", "0", "MASTER_PORT", "1"))).getMessage().contains("MASTER_ADDR is not set"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> WorkerEnvironment.of(Map.of("WORLD_SIZE", "2",
                "MASTER_ADDR", "h", "MASTER_PORT", "1"))).getMessage().contains("but RANK is not"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> WorkerEnvironment.of(Map.of("WORLD_SIZE", "two",
                "RANK", "0"))).getMessage().contains("WORLD_SIZE=two is not a whole number"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> WorkerEnvironment.of(Map.of("WORLD_SIZE", "2",
                "RANK", "1", "MASTER_ADDR", "h", "MASTER_PORT", "70000"))).getMessage().contains("MASTER_PORT 70000"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> WorkerEnvironment.of(Map.of("WORLD_SIZE", "2",
                "RANK", "1", "LOCAL_RANK", "2", "LOCAL_WORLD_SIZE", "2", "MASTER_ADDR", "h", "MASTER_PORT", "1")))
                .getMessage().contains("LOCAL_RANK 2 with LOCAL_WORLD_SIZE 2 is invalid"));
    }

    @Test
    void exitCodesSayWhichSignal() {
        assertEquals("was killed by SIGKILL (exit code 137)", WorkerLauncher.describe(137));
        assertEquals("was killed by SIGTERM (exit code 143)", WorkerLauncher.describe(143));
        assertEquals("exited with code 1", WorkerLauncher.describe(1));
    }
}
