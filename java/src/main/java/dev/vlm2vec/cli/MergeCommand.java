package dev.vlm2vec.cli;

import dev.vlm2vec.ffi.ModelDType;
import dev.vlm2vec.ffi.NativeModel;
import dev.vlm2vec.io.WriteErrors;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.jspecify.annotations.NullMarked;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code vlm2vec merge}: folds a LoRA/DoRA adapter into its base model and writes a full model directory. */
@NullMarked
@Command(name = "merge", mixinStandardHelpOptions = true,
        description = "Merge a PEFT LoRA/DoRA adapter into its base model; the result loads like any model.")
final class MergeCommand implements Callable<Integer> {

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Option(names = "--model", required = true, paramLabel = "DIR", description = "Base model directory.")
    private Path model = Path.of(".");

    @Option(names = "--adapter", required = true, paramLabel = "DIR", description = "Adapter directory (adapter_config.json + adapter_model.safetensors).")
    private Path adapter = Path.of(".");

    @Option(names = "--output", paramLabel = "DIR", description = "Where the merged model is written.")
    private @Nullable Path output;

    @Option(names = "--out", hidden = true, description = "Old spelling of --output.")
    void out(Path value) {
        this.output = value;
    }

    @Option(names = "--dtype", paramLabel = "DTYPE",
            description = "Weights of the merged model: fp32, bf16 or fp16. Default: the base model's (config.json torch_dtype).")
    private @Nullable String dtype;

    @Override
    public Integer call() throws IOException {
        if (output == null) {
            throw new IllegalArgumentException("--output DIR is required (where the merged model is written)");
        }
        if (!Files.isRegularFile(adapter.resolve("adapter_config.json"))) {
            throw new IllegalArgumentException("--adapter " + adapter + " holds no adapter_config.json");
        }
        WriteErrors.checkFolder("--output", output);
        ModelDType weights = dtype != null ? ModelDType.parse(dtype) : DtypeDefaults.declared(model);
        try (NativeModel base = NativeModel.load(model, "cpu", weights)) {
            base.loadAdapter(adapter, true);
            base.save(output);
        }
        spec.commandLine().getOut().println("merged model (" + weights.cliName() + ") written to " + output.toAbsolutePath());
        spec.commandLine().getOut().flush();
        return 0;
    }
}
