package dev.vlm2vec.ffi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class NativeRuntimeTest {

    @Test
    void reportsLibtorchBlasAndThreads() {
        RuntimeInfo info = NativeRuntime.info();
        assertTrue(info.torchVersion().matches("\\d+\\.\\d+\\.\\d+.*"), info.torchVersion());
        assertNotEquals(BlasKind.UNKNOWN, info.blasKind(), info.toString());
        assertTrue(info.threads() >= 1);
        assertTrue(info.availableCpus() >= 1);
        assertFalse(info.blasDescription().isEmpty());
        if (!info.cudaAvailable()) {
            assertEquals(0, info.cudaDeviceCount());
        }
    }

    @Test
    void setsThreadCount() {
        int before = NativeRuntime.info().threads();
        try {
            NativeRuntime.setThreads(1);
            assertEquals(1, NativeRuntime.info().threads());
        } finally {
            NativeRuntime.setThreads(before);
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> NativeRuntime.setThreads(0));
        assertEquals("threads = 0 is invalid: it must be at least 1", e.getMessage());
    }

    /** libtorch's default counts physical cores; vlm2vec's default is every CPU this process may use. */
    @Test
    void defaultThreadsAreTheAvailableCpus() {
        org.junit.jupiter.api.Assumptions.assumeTrue(System.getenv(ThreadCount.ENVIRONMENT) == null
                && System.getenv("OMP_NUM_THREADS") == null, "a thread count is set in the environment");
        assertEquals(Runtime.getRuntime().availableProcessors(), NativeRuntime.info().threads());
    }

    @Test
    void threadCountFromTheEnvironment() {
        assertEquals(java.util.OptionalInt.of(6), ThreadCount.defaultFor(java.util.Map.of(), 6));
        assertEquals(java.util.OptionalInt.of(3), ThreadCount.defaultFor(java.util.Map.of("VLM2VEC_THREADS", "3"), 6));
        assertEquals(java.util.OptionalInt.of(3), ThreadCount.defaultFor(
                java.util.Map.of("VLM2VEC_THREADS", " 3 ", "OMP_NUM_THREADS", "1"), 6));
        // OMP_NUM_THREADS alone: libtorch reads it itself, vlm2vec leaves it be.
        assertEquals(java.util.OptionalInt.empty(), ThreadCount.defaultFor(java.util.Map.of("OMP_NUM_THREADS", "1"), 6));
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
                () -> ThreadCount.defaultFor(java.util.Map.of("VLM2VEC_THREADS", "all"), 6));
        assertTrue(bad.getMessage().startsWith("VLM2VEC_THREADS=all is invalid"), bad.getMessage());
    }

    @Test
    void embedderOptionsSetTheThreads() {
        int before = NativeRuntime.info().threads();
        try {
            dev.vlm2vec.Vlm2Vec.applyThreads(dev.vlm2vec.EmbedderOptions.defaults().withThreads(1));
            assertEquals(1, NativeRuntime.info().threads());
            dev.vlm2vec.Vlm2Vec.applyThreads(dev.vlm2vec.EmbedderOptions.defaults());  // 0: leaves the count alone
            assertEquals(1, NativeRuntime.info().threads());
        } finally {
            NativeRuntime.setThreads(before);
        }
        assertThrows(IllegalArgumentException.class, () -> dev.vlm2vec.EmbedderOptions.defaults().withThreads(-1));
    }
}
