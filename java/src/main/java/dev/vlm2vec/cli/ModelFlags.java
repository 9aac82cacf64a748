package dev.vlm2vec.cli;

import dev.vlm2vec.EmbedderOptions;
import dev.vlm2vec.ffi.ModelDType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.jspecify.annotations.NullMarked;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The model and how it runs, one spelling for embed, eval and train (a picocli mixin): the
 * model directory, device, dtype, token limit, threads and the image flags. Old spellings stay
 * as hidden aliases ({@code --max-len}).
 */
@NullMarked
final class ModelFlags {

    @Option(names = "--model", paramLabel = "DIR", description = "Model directory (Hugging Face layout).")
    @Nullable Path model;

    @Option(names = "--device", paramLabel = "DEVICE", description = "cpu, cuda, cuda:N. Default: ${DEFAULT-VALUE}.")
    String device = "cpu";

    @Option(names = "--dtype", paramLabel = "DTYPE", defaultValue = "${env:VLM2VEC_DTYPE:-auto}",
            description = "auto, fp32, bf16, fp16. auto: bf16 for a bf16/fp16 checkpoint on a CPU with AMX or AVX512-BF16"
                    + " (and on CUDA), else fp32. Default: ${DEFAULT-VALUE} (VLM2VEC_DTYPE sets it).")
    String dtype = DtypeDefaults.AUTO;

    @Option(names = "--max-length", paramLabel = "N", description = "Longest token sequence; longer inputs are cut (never"
            + " through image tokens); 0: no limit. Default: ${DEFAULT-VALUE}.")
    int maxLength;

    @Option(names = "--threads", paramLabel = "N", description = "libtorch threads (0: VLM2VEC_THREADS, else every"
            + " available CPU). Default: ${DEFAULT-VALUE}.")
    int threads = 0;

    @Mixin
    ImageFlags images = new ImageFlags();

    ModelFlags() {
        this(0);
    }

    /** @param defaultMaxLength this command's default token limit */
    ModelFlags(int defaultMaxLength) {
        this.maxLength = defaultMaxLength;
    }

    @Option(names = "--max-len", hidden = true, description = "Old spelling of --max-length.")
    void maxLen(int value) {
        this.maxLength = value;
    }

    /** The model directory; its absence is an error naming the flag. */
    Path requireModel() {
        if (model == null) {
            throw new IllegalArgumentException("--model DIR is required (a model directory in the Hugging Face layout)");
        }
        checkModel();
        return model;
    }

    /** A given --model must be a folder with a config.json, checked before any work. */
    void checkModel() {
        if (model == null) {
            return;
        }
        if (!Files.isDirectory(model)) {
            throw new IllegalArgumentException("--model " + model + " is not a folder (a model directory in the Hugging"
                    + " Face layout: config.json, *.safetensors, tokenizer.json)");
        }
        if (!Files.isRegularFile(model.resolve("config.json"))) {
            throw new IllegalArgumentException("--model " + model + " holds no config.json: it is not a Hugging Face model"
                    + " directory");
        }
    }

    /** Range checks, before any work. */
    void check() {
        FlagChecks.atLeast("--max-length", maxLength, 0);
        FlagChecks.within("--threads", threads, 0, 4096);
        if (!dtype.equalsIgnoreCase(DtypeDefaults.AUTO)) {
            ModelDType.parse(dtype);
        }
        images.check();
    }

    /** The dtype the model computes in: --dtype, or what auto picks for this model, device and CPU. */
    DtypeDefaults.Choice computeDtype() {
        return DtypeDefaults.resolve(dtype, model, device, CpuFeatures.read());
    }

    /** Training computes in --dtype; auto keeps it fp32 (the optimizer updates weights of that dtype). */
    ModelDType trainingDtype() {
        return dtype.equalsIgnoreCase(DtypeDefaults.AUTO) ? ModelDType.FLOAT32 : ModelDType.parse(dtype);
    }

    /** The embedder options of these flags, batching {@code batchSize} inputs per native call. */
    EmbedderOptions embedderOptions(int batchSize) {
        check();
        return images.applyTo(EmbedderOptions.defaults().withDevice(device).withDtype(computeDtype().dtype())
                .withBatching(batchSize, Duration.ofMillis(2), 4 * batchSize).withMaxLength(maxLength).withThreads(threads));
    }
}
