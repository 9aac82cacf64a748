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
}
