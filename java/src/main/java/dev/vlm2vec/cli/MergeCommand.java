package dev.vlm2vec.cli;

import dev.vlm2vec.ffi.ModelDType;
import dev.vlm2vec.ffi.NativeModel;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.jspecify.annotations.NullMarked;
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
    private Path model;

    @Option(names = "--adapter", required = true, paramLabel = "DIR", description = "Adapter directory (adapter_config.json + adapter_model.safetensors).")
    private Path adapter;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Where the merged model is written.")
    private Path out;

    @Option(names = "--dtype", description = "Weights of the merged model: fp32, bf16 or fp16. Default: ${DEFAULT-VALUE}.")
    private String dtype = "fp32";

    @Override
    public Integer call() {
        try (NativeModel base = NativeModel.load(model, "cpu", ModelDType.parse(dtype))) {
            base.loadAdapter(adapter, true);
            base.save(out);
        }
        spec.commandLine().getOut().println("merged model written to " + out.toAbsolutePath());
        spec.commandLine().getOut().flush();
        return 0;
    }
}
