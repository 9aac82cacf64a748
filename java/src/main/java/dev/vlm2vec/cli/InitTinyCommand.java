package dev.vlm2vec.cli;

import dev.vlm2vec.backbones.Backbones;
import dev.vlm2vec.ffi.TinyModels;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.jspecify.annotations.NullMarked;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code vlm2vec init-tiny}: a tiny random model directory in the real layout. */
@NullMarked
@Command(name = "init-tiny", mixinStandardHelpOptions = true,
        description = "Write a tiny random model in the real Hugging Face layout (for tests and demos).")
final class InitTinyCommand implements Callable<Integer> {

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Option(names = "--arch", required = true, description = "Architecture: phi3v (phi3_v), llava-next (llava_next) or"
            + " qwen2vl (qwen2_vl).")
    private String architecture = "";

    @Option(names = "--output", paramLabel = "DIR", description = "Directory to write (created if missing).")
    private @Nullable Path out;

    @Option(names = "--out", hidden = true, description = "Old spelling of --output.")
    void oldOut(Path value) {
        this.out = value;
    }

    @Option(names = "--seed", defaultValue = "0", description = "Random seed (default: ${DEFAULT-VALUE}).")
    private long seed;

    @Option(names = "--image-size", defaultValue = "0",
            description = "CLIP crop side in pixels (0: the default, 56; the real models use 336); a multiple of 28 for"
                    + " phi3v, of 14 for llava-next; qwen2vl has no fixed size and takes 0 only.")
    private int imageSize;

    @Override
    public Integer call() {
        if (out == null) {
            throw new IllegalArgumentException("--output DIR is required");
        }
        dev.vlm2vec.io.WriteErrors.checkFolder("--output", out);
        String arch = Backbones.forName(architecture, "--arch").modelType();
        TinyModels.write(arch, out, seed, imageSize);
        spec.commandLine().getOut().println("wrote a tiny " + arch + " model (seed " + seed + ") to " + out.toAbsolutePath());
        spec.commandLine().getOut().flush();
        return 0;
    }
}
