package dev.vlm2vec.ffi;

import dev.vlm2vec.ffi.internal.vlm2vec_gemm_probe;
import dev.vlm2vec.ffi.internal.vlm2vec_h;
import dev.vlm2vec.ffi.internal.vlm2vec_runtime_info;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import org.jspecify.annotations.NullMarked;

/** Version and runtime facts of the native library, and its thread settings. */
@NullMarked
public final class NativeRuntime {

    private NativeRuntime() {}

    /** The native library's version, e.g. {@code 0.1.0}. */
    public static String version() {
        NativeLibrary.load();
        return vlm2vec_h.vlm2vec_version().getString(0);
    }

    public static RuntimeInfo info() {
        NativeLibrary.load();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment info = vlm2vec_runtime_info.allocate(arena);
            NativeException.check(vlm2vec_h.vlm2vec_runtime_info_get(info), "vlm2vec_runtime_info_get");
            return new RuntimeInfo(
                    vlm2vec_runtime_info.torch_version(info).getString(0),
                    BlasKind.of(vlm2vec_runtime_info.blas_kind(info)),
                    vlm2vec_runtime_info.blas_version(info).getString(0),
                    vlm2vec_runtime_info.blas_library(info).getString(0),
                    vlm2vec_runtime_info.cuda_compiled(info) != 0,
                    vlm2vec_runtime_info.cuda_available(info) != 0,
                    vlm2vec_runtime_info.cuda_device_count(info),
                    vlm2vec_runtime_info.cuda_kernels(info) != 0,
                    vlm2vec_runtime_info.num_threads(info),
                    vlm2vec_runtime_info.num_interop_threads(info),
                    vlm2vec_runtime_info.max_threads(info));
        }
    }

    /** A matrix product's measured rate and the oneDNN kernel that ran it ("" where oneDNN did not). */
    public record GemmProbe(ModelDType dtype, double gflops, String onednnKernel) {

        /** Whether oneDNN chose an AMX kernel (Intel Sapphire Rapids and later). */
        public boolean amx() {
            return onednnKernel.contains("amx");
        }
    }

    /** Times {@code torch::linear} of [m, k] by [k, n] in dtype on the CPU (about 0.2 s) and asks oneDNN which kernel ran. */
    public static GemmProbe probeGemm(ModelDType dtype, int m, int n, int k) {
        NativeLibrary.load();
        try (Arena call = Arena.ofConfined()) {
            MemorySegment out = vlm2vec_gemm_probe.allocate(call);
            NativeException.check(vlm2vec_h.vlm2vec_gemm_probe_run(dtype.code(), m, n, k, out), "probing " + dtype.cliName()
                    + " matrix products");
            return new GemmProbe(dtype, vlm2vec_gemm_probe.gflops(out), vlm2vec_gemm_probe.onednn_kernel(out).getString(0));
        }
    }

    /** Sets how many threads libtorch uses inside one operation (at least 1). */
    public static void setThreads(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads = " + threads + " is invalid: it must be at least 1");
        }
        NativeLibrary.load();
        NativeException.check(vlm2vec_h.vlm2vec_set_num_threads(threads), "vlm2vec_set_num_threads");
    }
}
