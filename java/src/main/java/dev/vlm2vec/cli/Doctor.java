package dev.vlm2vec.cli;

import dev.vlm2vec.ffi.ModelDType;
import dev.vlm2vec.ffi.NativeLibrary;
import dev.vlm2vec.ffi.NativeRuntime;
import dev.vlm2vec.ffi.RuntimeInfo;
import dev.vlm2vec.ffi.ThreadCount;
import dev.vlm2vec.processing.ImageLoader;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.NullMarked;
import org.jspecify.annotations.Nullable;

/** Checks the environment vlm2vec runs in and says what to fix. */
@NullMarked
final class Doctor {

    static final int MINIMUM_JDK = Launcher.MINIMUM_FEATURE_VERSION;
    static final String OPENBLAS_ALTERNATIVE =
            "sudo update-alternatives --set libblas.so.3-x86_64-linux-gnu /usr/lib/x86_64-linux-gnu/openblas-pthread/libblas.so.3";

    private Doctor() {}

    static List<EnvironmentCheck> examine() {
        List<EnvironmentCheck> checks = new ArrayList<>();
        checks.add(jdk(Runtime.version().feature()));
        checks.add(nativeAccess(Doctor.class.getModule().isNativeAccessEnabled()));
        checks.add(imageCodecs(ImageLoader.missingSystemCodecs()));
        RuntimeInfo info;
        try {
            String version = NativeRuntime.version();
            info = NativeRuntime.info();
            checks.add(EnvironmentCheck.ok("native library", version + " from " + NativeLibrary.loadedFrom()));
        } catch (RuntimeException | UnsatisfiedLinkError e) {
            checks.add(EnvironmentCheck.fail("native library", String.valueOf(e.getMessage()),
                    "install the system packages with ./run.sh (or: sudo apt-get install libtorch-dev"
                            + " libopenblas0-pthread), or set -D" + NativeLibrary.PATH_PROPERTY + " to a built"
                            + " libvlm2vec.so"));
            return checks;
        }
        checks.add(EnvironmentCheck.ok("libtorch", info.torchVersion()));
        checks.add(blas(info));
        checks.add(blasKernels(info, CpuFeatures.read()));
        checks.add(threads(info, System.getenv()));
        // A bf16 linear layer as the models run them (batch x 1024 by 1024 x 1024), against fp32.
        checks.add(bf16Compute(CpuFeatures.read(), NativeRuntime.probeGemm(ModelDType.BFLOAT16, 256, 1024, 1024),
                NativeRuntime.probeGemm(ModelDType.FLOAT32, 256, 1024, 1024)));
        checks.add(cuda(info));
        return checks;
    }

    static EnvironmentCheck jdk(int feature) {
        String detail = "Java " + feature + " at " + System.getProperty("java.home");
        return feature >= MINIMUM_JDK ? EnvironmentCheck.ok("JDK", detail)
                : EnvironmentCheck.fail("JDK", detail, "use JDK " + MINIMUM_JDK + " or newer, e.g."
                        + " /usr/lib/jvm/temurin-25-jdk-amd64/bin/java");
    }

    static EnvironmentCheck nativeAccess(boolean enabled) {
        return enabled ? EnvironmentCheck.ok("native access", "enabled")
                : EnvironmentCheck.warn("native access", "not enabled: the JVM warns on every native call site",
                        "run with --enable-native-access=ALL-UNNAMED (java -jar vlm2vec.jar sets it from its manifest)");
    }

    static EnvironmentCheck imageCodecs(List<String> missing) {
        return missing.isEmpty() ? EnvironmentCheck.ok("image codecs", "libjpeg-turbo and libwebp: JPEG and WebP decoded"
                + " as Pillow decodes them")
                : EnvironmentCheck.warn("image codecs", String.join(" and ", missing) + " not found: Java decoders serve"
                        + " instead, whose pixels differ from Pillow's for 4:4:0 JPEGs (libturbojpeg0) and lossy WebP"
                        + " (libwebp7); other images are exact", "sudo apt-get install " + String.join(" ", missing));
    }

    static EnvironmentCheck blas(RuntimeInfo info) {
        return switch (info.blasKind()) {
            case OPENBLAS, MKL -> EnvironmentCheck.ok("BLAS", info.blasDescription());
            case REFERENCE -> EnvironmentCheck.warn("BLAS", info.blasDescription()
                            + ": the reference BLAS; matrix products run about 30x slower than with OpenBLAS",
                    "sudo apt-get install libopenblas0-pthread; if it is installed already: " + OPENBLAS_ALTERNATIVE);
            case OTHER -> EnvironmentCheck.info("BLAS", info.blasDescription());
            case UNKNOWN -> EnvironmentCheck.warn("BLAS", "cannot tell which BLAS libtorch uses",
                    "on Debian: sudo apt-get install libopenblas0-pthread");
        };
    }

    // OpenBLAS kernels older than AVX2; DYNAMIC_ARCH builds fall back to Prescott when they
    // do not recognise the CPU model, which happens on virtual machines.
    private static final java.util.Set<String> PRE_AVX2_OPENBLAS_CORES = java.util.Set.of(
            "Prescott", "Core2", "Penryn", "Dunnington", "Nehalem", "Atom", "Sandybridge", "Katmai", "Coppermine",
            "Northwood", "Banias", "Opteron", "Barcelona", "Bobcat", "Bulldozer");

    static EnvironmentCheck blasKernels(RuntimeInfo info, CpuFeatures cpu) {
        if (info.blasKind() != dev.vlm2vec.ffi.BlasKind.OPENBLAS) {
            return EnvironmentCheck.info("BLAS kernels", "not OpenBLAS: nothing to check");
        }
        String core = java.util.Arrays.stream(info.blasVersion().split("\\s+"))
                .filter(PRE_AVX2_OPENBLAS_CORES::contains).findFirst().orElse("");
        String best = cpu.has("avx512f") ? "SkylakeX" : cpu.has("avx2") ? "Haswell" : "";
        if (core.isEmpty() || best.isEmpty()) {
            return EnvironmentCheck.ok("BLAS kernels", "OpenBLAS kernels match the CPU");
        }
        return EnvironmentCheck.warn("BLAS kernels", "OpenBLAS uses its " + core + " kernels on a CPU with "
                        + (best.equals("SkylakeX") ? "AVX-512" : "AVX2") + " (it did not recognise the CPU model);"
                        + " sgemm runs several times slower than it could",
                "export OPENBLAS_CORETYPE=" + best + " before starting the JVM (then re-run the tests once to confirm"
                        + " this OpenBLAS build computes correctly with it)");
    }

    /** vlm2vec sets every available CPU unless VLM2VEC_THREADS or OMP_NUM_THREADS says otherwise (ThreadCount). */
    static EnvironmentCheck threads(RuntimeInfo info, Map<String, String> environment) {
        String detail = info.threads() + " intra-op / " + info.interopThreads() + " inter-op threads on "
                + info.availableCpus() + " CPUs";
        if (info.threads() >= info.availableCpus()) {
            return EnvironmentCheck.ok("threads", detail);
        }
        @Nullable String chosen = environment.get(ThreadCount.ENVIRONMENT);
        if (chosen != null) {
            return EnvironmentCheck.info("threads", detail + " (" + ThreadCount.ENVIRONMENT + "=" + chosen + ")");
        }
        @Nullable String omp = environment.get("OMP_NUM_THREADS");
        if (omp != null) {
            return EnvironmentCheck.warn("threads", detail + " (OMP_NUM_THREADS=" + omp + ")",
                    "unset OMP_NUM_THREADS (vlm2vec then uses every CPU) or raise it to " + info.availableCpus()
                            + ", unless other work shares the CPUs");
        }
        return EnvironmentCheck.warn("threads", detail, "pass --threads " + info.availableCpus() + " or export "
                + ThreadCount.ENVIRONMENT + "=" + info.availableCpus());
    }

    /** Whether bf16 compute is fast here: the CPU's bf16 instructions and the oneDNN kernel that really ran. */
    static EnvironmentCheck bf16Compute(CpuFeatures cpu, NativeRuntime.GemmProbe bf16, NativeRuntime.GemmProbe fp32) {
        String support = DtypeDefaults.cpuBf16Support(cpu);
        String kernel = bf16.onednnKernel().isEmpty() ? "no oneDNN kernel" : "oneDNN " + bf16.onednnKernel();
        String rates = String.format(java.util.Locale.ROOT, "bf16 linear %.0f GFLOP/s (%s), fp32 %.0f GFLOP/s: %.2fx",
                bf16.gflops(), kernel, fp32.gflops(), bf16.gflops() / Math.max(1e-9, fp32.gflops()));
        if (support.isEmpty()) {
            return EnvironmentCheck.info("bf16 compute", "this CPU has no AMX or AVX512-BF16; " + rates
                    + "; --dtype auto computes in fp32 here");
        }
        if (cpu.has("amx_bf16") && !bf16.amx()) {
            return EnvironmentCheck.warn("bf16 compute", "the CPU has " + support + " but " + rates,
                    "oneDNN did not pick its AMX kernels: unset ONEDNN_MAX_CPU_ISA / DNNL_MAX_CPU_ISA if set, or install a"
                            + " libdnnl that knows AMX (oneDNN 2.7 or newer)");
        }
        if (bf16.gflops() < fp32.gflops()) {
            return EnvironmentCheck.warn("bf16 compute", "the CPU has " + support + " but " + rates,
                    "pass --dtype fp32 (bf16 is slower than fp32 here)");
        }
        return EnvironmentCheck.ok("bf16 compute", support + ": " + rates + "; --dtype auto computes bf16 checkpoints in bf16");
    }

    static EnvironmentCheck cuda(RuntimeInfo info) {
        if (info.cudaAvailable()) {
            return EnvironmentCheck.ok("CUDA", info.cudaDeviceCount() + " device(s)"
                    + (info.cudaKernels() ? ", custom kernels built in" : ", custom kernels not built in"));
        }
        if (info.cudaCompiled()) {
            return EnvironmentCheck.warn("CUDA", "libtorch has CUDA but sees no device",
                    "check the NVIDIA driver (nvidia-smi) and CUDA_VISIBLE_DEVICES");
        }
        return EnvironmentCheck.info("CUDA", "CPU-only libtorch: models run on the CPU. For GPUs build the native"
                + " library against a CUDA libtorch (see README)");
    }
}
