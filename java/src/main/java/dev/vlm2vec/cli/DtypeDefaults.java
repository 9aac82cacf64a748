package dev.vlm2vec.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vlm2vec.ffi.ModelDType;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import org.jspecify.annotations.NullMarked;
import org.jspecify.annotations.Nullable;

/**
 * Which dtype a model computes in when {@code --dtype auto} (the default) leaves it to vlm2vec:
 * on a CPU with bfloat16 arithmetic (AMX or AVX512-BF16, where libtorch's oneDNN runs bf16
 * linear layers several times faster than float32 BLAS), a bf16 or fp16 checkpoint computes in
 * bf16 straight from its mapped weights; elsewhere on a CPU float32 (bf16 without hardware
 * support is emulated and slower than float32). On CUDA the checkpoint's own half type.
 */
@NullMarked
final class DtypeDefaults {

    static final String AUTO = "auto";

    /** What {@code auto} chose and why, for the messages. */
    record Choice(ModelDType dtype, String reason) {}

    private DtypeDefaults() {}

    /** The CPU instruction sets that make bf16 compute fast, by their /proc/cpuinfo names; empty when none. */
    static String cpuBf16Support(CpuFeatures cpu) {
        if (cpu.has("amx_bf16")) {
            return "AMX (amx_bf16)";
        }
        return cpu.has("avx512_bf16") ? "AVX512-BF16" : "";
    }

    /**
     * {@code flag} as given: {@code auto} resolved for this model, device and CPU, anything else parsed.
     * No model yet (the demos write a tiny one): auto is fp32.
     */
    static Choice resolve(String flag, @Nullable Path model, String device, CpuFeatures cpu) {
        if (!flag.toLowerCase(Locale.ROOT).equals(AUTO)) {
            return new Choice(ModelDType.parse(flag), "--dtype " + flag);
        }
        if (model == null) {
            return new Choice(ModelDType.FLOAT32, "auto: fp32 for the demo's tiny model");
        }
        ModelDType declared = declared(model);
        boolean halfCheckpoint = declared != ModelDType.FLOAT32;
        if (device.startsWith("cuda")) {
            return new Choice(declared, "auto: the checkpoint's " + declared.cliName() + " on " + device);
        }
        String support = cpuBf16Support(cpu);
        if (halfCheckpoint && !support.isEmpty()) {
            return new Choice(ModelDType.BFLOAT16, "auto: a " + declared.cliName() + " checkpoint on a CPU with " + support);
        }
        return new Choice(ModelDType.FLOAT32, halfCheckpoint ? "auto: this CPU has no AMX or AVX512-BF16 (bf16 would be"
                + " emulated, slower than fp32)" : "auto: an fp32 checkpoint");
    }

    /** The dtype config.json declares ({@code torch_dtype}, or {@code dtype} in newer transformers); fp32 if none. */
    static ModelDType declared(Path model) {
        Path config = model.resolve("config.json");
        try {
            var root = new ObjectMapper().readTree(config.toFile());
            String declared = root.hasNonNull("torch_dtype") ? root.get("torch_dtype").asText() : root.path("dtype").asText("");
            return ModelDType.ofTorchDtype(declared).orElse(ModelDType.FLOAT32);
        } catch (IOException e) {
            throw new IllegalArgumentException("--model " + model + ": cannot read " + config + ": " + e.getMessage(), e);
        }
    }
}
