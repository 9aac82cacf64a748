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
                "CUDA"),
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
}
