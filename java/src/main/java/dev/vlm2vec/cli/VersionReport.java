package dev.vlm2vec.cli;

import dev.vlm2vec.ProjectVersion;
import dev.vlm2vec.ffi.NativeLibrary;
import dev.vlm2vec.ffi.NativeRuntime;
import dev.vlm2vec.ffi.RuntimeInfo;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.NullMarked;
import picocli.CommandLine;

/** {@code vlm2vec --version}: this build and the native runtime under it. */
@NullMarked
final class VersionReport implements CommandLine.IVersionProvider {

    @Override
    public String[] getVersion() {
        List<String> lines = new ArrayList<>();
        lines.add("vlm2vec " + ProjectVersion.get());
        lines.add("Java " + Runtime.version() + " (" + System.getProperty("java.vendor") + ")");
        try {
            String nativeVersion = NativeRuntime.version();
            RuntimeInfo info = NativeRuntime.info();
            lines.add("native library " + nativeVersion + " (" + NativeLibrary.loadedFrom() + ")");
            lines.add("libtorch " + info.torchVersion());
            lines.add("BLAS " + info.blasDescription());
            lines.add("CUDA " + cudaSummary(info));
            String bf16 = DtypeDefaults.cpuBf16Support(CpuFeatures.read());
            lines.add("CPU bf16 " + (bf16.isEmpty() ? "none (--dtype auto computes in fp32 on the CPU)"
                    : bf16 + " (--dtype auto computes bf16 checkpoints in bf16)"));
        } catch (RuntimeException | UnsatisfiedLinkError e) {
            lines.add("native library not loaded: " + e.getMessage());
        }
        return lines.toArray(String[]::new);
    }

    static String cudaSummary(RuntimeInfo info) {
        if (info.cudaAvailable()) {
            return "available, " + info.cudaDeviceCount() + " device(s)" + (info.cudaKernels() ? ", custom kernels" : "");
        }
        return info.cudaCompiled() ? "not available (libtorch has CUDA but sees no device)"
                : "not available (CPU-only libtorch)";
    }
}
