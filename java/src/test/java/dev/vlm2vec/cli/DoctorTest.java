package dev.vlm2vec.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vlm2vec.cli.EnvironmentCheck.Verdict;
import dev.vlm2vec.ffi.BlasKind;
import dev.vlm2vec.ffi.RuntimeInfo;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class DoctorTest {

    private static RuntimeInfo info(BlasKind blas, boolean cudaCompiled, boolean cudaAvailable, int threads, int cpus) {
        return new RuntimeInfo("1.13.0", blas, blas == BlasKind.OPENBLAS ? "OpenBLAS 0.3.21" : "",
                "/usr/lib/x86_64-linux-gnu/blas/libblas.so.3", cudaCompiled, cudaAvailable, cudaAvailable ? 1 : 0,
                false, threads, 1, cpus);
    }

    @Test
    void thisMachinePassesWithTheNativeLibraryLoaded() {
        Map<String, EnvironmentCheck> checks = Doctor.examine().stream()
                .collect(Collectors.toMap(EnvironmentCheck::subject, check -> check));
        assertEquals(List.of("JDK", "native access", "image codecs", "native library", "libtorch", "BLAS", "BLAS kernels", "threads",
                "bf16 compute", "CUDA"),
                Doctor.examine().stream().map(EnvironmentCheck::subject).toList());
        assertEquals(Verdict.OK, checks.get("JDK").verdict());
        assertEquals(Verdict.OK, checks.get("native access").verdict(), "surefire passes --enable-native-access");
        assertEquals(Verdict.OK, checks.get("image codecs").verdict(), "the system packages include libturbojpeg0, libwebp7");
        assertEquals(Verdict.OK, checks.get("native library").verdict(), checks.get("native library").detail());
    }

    @Test
    void referenceBlasIsAWarningThatSaysWhatToInstall() {
        EnvironmentCheck check = Doctor.blas(info(BlasKind.REFERENCE, false, false, 2, 2));
        assertEquals(Verdict.WARN, check.verdict());
        assertTrue(check.detail().contains("30x slower"), check.detail());
        assertTrue(check.fix().startsWith("sudo apt-get install libopenblas0-pthread"), check.fix());
        assertEquals(Verdict.OK, Doctor.blas(info(BlasKind.OPENBLAS, false, false, 2, 2)).verdict());
    }

    @Test
    void genericOpenBlasKernelsOnAModernCpuAreAWarning() {
        RuntimeInfo prescott = new RuntimeInfo("1.13.0", BlasKind.OPENBLAS,
                "OpenBLAS 0.3.21 NO_LAPACKE DYNAMIC_ARCH NO_AFFINITY Prescott MAX_THREADS=64", "/x/libblas.so.3", false,
                false, 0, false, 2, 1, 2);
        CpuFeatures avx512 = CpuFeatures.parse("processor : 0\nflags\t\t: fpu sse2 avx avx2 fma avx512f\n");
        EnvironmentCheck check = Doctor.blasKernels(prescott, avx512);
        assertEquals(Verdict.WARN, check.verdict());
        assertTrue(check.detail().startsWith("OpenBLAS uses its Prescott kernels on a CPU with AVX-512"), check.detail());
        assertTrue(check.fix().startsWith("export OPENBLAS_CORETYPE=SkylakeX"), check.fix());
        CpuFeatures avx2 = CpuFeatures.parse("flags : sse2 avx avx2\n");
        assertTrue(Doctor.blasKernels(prescott, avx2).fix().startsWith("export OPENBLAS_CORETYPE=Haswell"));
        assertEquals(Verdict.OK, Doctor.blasKernels(prescott, CpuFeatures.parse("flags : sse2 sse3\n")).verdict());
        RuntimeInfo skylake = new RuntimeInfo("1.13.0", BlasKind.OPENBLAS, "OpenBLAS 0.3.21 DYNAMIC_ARCH SkylakeX", "",
                false, false, 0, false, 2, 1, 2);
        assertEquals(Verdict.OK, Doctor.blasKernels(skylake, avx512).verdict());
    }

    @Test
    void fewerThreadsThanCpusIsAWarningNamingOmpNumThreads() {
        EnvironmentCheck check = Doctor.threads(info(BlasKind.OPENBLAS, false, false, 1, 8), Map.of("OMP_NUM_THREADS", "1"));
        assertEquals(Verdict.WARN, check.verdict());
        assertEquals("1 intra-op / 1 inter-op threads on 8 CPUs (OMP_NUM_THREADS=1)", check.detail());
        assertTrue(check.fix().startsWith("unset OMP_NUM_THREADS (vlm2vec then uses every CPU)"), check.fix());
        assertEquals(Verdict.OK, Doctor.threads(info(BlasKind.OPENBLAS, false, false, 8, 8), Map.of()).verdict());
        // VLM2VEC_THREADS is the user's own choice: reported, not a warning.
        assertEquals(Verdict.INFO, Doctor.threads(info(BlasKind.OPENBLAS, false, false, 1, 8),
                Map.of("VLM2VEC_THREADS", "1")).verdict());
        EnvironmentCheck unset = Doctor.threads(info(BlasKind.OPENBLAS, false, false, 1, 2), Map.of());
        assertEquals(Verdict.WARN, unset.verdict());
        assertEquals("pass --threads 2 or export VLM2VEC_THREADS=2", unset.fix());
    }

    @Test
    void briefLineNamesWhatNeedsAttention() {
        assertEquals("doctor: ok (2 checks)", DoctorCommand.summaryLine(List.of(EnvironmentCheck.ok("JDK", "25"),
                EnvironmentCheck.info("CUDA", "none"))));
        assertEquals("doctor: 1 problem(s) to fix (BLAS), 1 warning(s) (threads); details: vlm2vec doctor",
                DoctorCommand.summaryLine(List.of(EnvironmentCheck.fail("BLAS", "x", "y"),
                        EnvironmentCheck.warn("threads", "x", "y"), EnvironmentCheck.ok("JDK", "25"))));
        CliRun brief = CliRun.of("doctor", "--brief");
        assertEquals(1, brief.out().lines().count(), brief.out());
        assertTrue(brief.out().startsWith("doctor: "), brief.out());
    }

    @Test
    void cudaVerdicts() {
        assertEquals(Verdict.INFO, Doctor.cuda(info(BlasKind.OPENBLAS, false, false, 2, 2)).verdict());
        assertEquals(Verdict.WARN, Doctor.cuda(info(BlasKind.OPENBLAS, true, false, 2, 2)).verdict());
        assertEquals(Verdict.OK, Doctor.cuda(info(BlasKind.OPENBLAS, true, true, 2, 2)).verdict());
    }

    @Test
    void oldJdkAndDisabledNativeAccessAreReported() {
        assertEquals(Verdict.FAIL, Doctor.jdk(17).verdict());
        assertEquals(Verdict.OK, Doctor.jdk(25).verdict());
        EnvironmentCheck access = Doctor.nativeAccess(false);
        assertEquals(Verdict.WARN, access.verdict());
        assertTrue(access.fix().contains("--enable-native-access=ALL-UNNAMED"));
        EnvironmentCheck codecs = Doctor.imageCodecs(List.of("libturbojpeg0", "libwebp7"));
        assertEquals(Verdict.WARN, codecs.verdict());
        assertEquals("sudo apt-get install libturbojpeg0 libwebp7", codecs.fix());
        assertEquals(Verdict.OK, Doctor.imageCodecs(List.of()).verdict());
    }

    private static final CpuFeatures AMX = CpuFeatures.parse("flags\t: avx512f avx512_bf16 amx_bf16 amx_tile amx_int8\n");
    private static final CpuFeatures NO_BF16 = CpuFeatures.parse("flags\t: avx2 avx512f avx512_vnni\n");

    @Test
    void bf16ComputeSaysWhetherOneDnnRunsAmx() {
        var fp32 = new dev.vlm2vec.ffi.NativeRuntime.GemmProbe(dev.vlm2vec.ffi.ModelDType.FLOAT32, 48, "");
        var amx = new dev.vlm2vec.ffi.NativeRuntime.GemmProbe(dev.vlm2vec.ffi.ModelDType.BFLOAT16, 1030,
                "brg:avx512_core_amx_bf16");
        EnvironmentCheck fast = Doctor.bf16Compute(AMX, amx, fp32);
        assertEquals(Verdict.OK, fast.verdict(), fast.detail());
        assertTrue(fast.detail().contains("AMX (amx_bf16): bf16 linear 1030 GFLOP/s (oneDNN brg:avx512_core_amx_bf16),"
                + " fp32 48 GFLOP/s: 21.46x"), fast.detail());

        var avx512 = new dev.vlm2vec.ffi.NativeRuntime.GemmProbe(dev.vlm2vec.ffi.ModelDType.BFLOAT16, 120, "brg:avx512_core_bf16");
        EnvironmentCheck noAmx = Doctor.bf16Compute(AMX, avx512, fp32);
        assertEquals(Verdict.WARN, noAmx.verdict());
        assertTrue(noAmx.fix().contains("ONEDNN_MAX_CPU_ISA"), noAmx.fix());

        var emulated = new dev.vlm2vec.ffi.NativeRuntime.GemmProbe(dev.vlm2vec.ffi.ModelDType.BFLOAT16, 20, "gemm:jit");
        EnvironmentCheck none = Doctor.bf16Compute(NO_BF16, emulated, fp32);
        assertEquals(Verdict.INFO, none.verdict());
        assertTrue(none.detail().contains("no AMX or AVX512-BF16") && none.detail().endsWith("computes in fp32 here"), none.detail());
    }

    @Test
    void autoDtypeIsBf16ForHalfCheckpointsOnBf16Cpus(@org.junit.jupiter.api.io.TempDir java.nio.file.Path directory)
            throws java.io.IOException {
        java.nio.file.Path bf16 = java.nio.file.Files.createDirectories(directory.resolve("bf16"));
        java.nio.file.Files.writeString(bf16.resolve("config.json"), "{\"torch_dtype\": \"bfloat16\"}");
        java.nio.file.Path fp16 = java.nio.file.Files.createDirectories(directory.resolve("fp16"));
        java.nio.file.Files.writeString(fp16.resolve("config.json"), "{\"torch_dtype\": \"float16\"}");
        java.nio.file.Path fp32 = java.nio.file.Files.createDirectories(directory.resolve("fp32"));
        java.nio.file.Files.writeString(fp32.resolve("config.json"), "{\"torch_dtype\": \"float32\"}");
        var b = dev.vlm2vec.ffi.ModelDType.BFLOAT16;
        var f = dev.vlm2vec.ffi.ModelDType.FLOAT32;
        assertEquals(b, DtypeDefaults.resolve("auto", bf16, "cpu", AMX).dtype());
        assertEquals(b, DtypeDefaults.resolve("auto", fp16, "cpu", AMX).dtype(), "fp16 files compute in bf16 on the CPU");
        assertEquals(f, DtypeDefaults.resolve("auto", fp32, "cpu", AMX).dtype());
        assertEquals(f, DtypeDefaults.resolve("auto", bf16, "cpu", NO_BF16).dtype());
        assertTrue(DtypeDefaults.resolve("auto", bf16, "cpu", NO_BF16).reason().contains("no AMX or AVX512-BF16"));
        assertEquals(b, DtypeDefaults.resolve("AUTO", bf16, "cpu", CpuFeatures.parse("flags\t: avx512_bf16\n")).dtype());
        assertEquals(dev.vlm2vec.ffi.ModelDType.FLOAT16, DtypeDefaults.resolve("auto", fp16, "cuda:0", NO_BF16).dtype());
        assertEquals(f, DtypeDefaults.resolve("fp32", bf16, "cpu", AMX).dtype(), "an explicit --dtype wins");
        assertEquals("AVX512-BF16", DtypeDefaults.cpuBf16Support(CpuFeatures.parse("flags\t: avx512_bf16\n")));
        assertEquals("", DtypeDefaults.cpuBf16Support(NO_BF16));
    }
}
