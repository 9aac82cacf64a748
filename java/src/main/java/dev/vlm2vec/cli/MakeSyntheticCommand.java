package dev.vlm2vec.cli;

import dev.vlm2vec.data.SyntheticMmeb;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.jspecify.annotations.NullMarked;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code vlm2vec make-synthetic}: the MMEB-mini train and eval sets. */
@NullMarked
@Command(name = "make-synthetic", mixinStandardHelpOptions = true,
        description = "Write MMEB-mini, synthetic train and eval sets for all four meta-tasks in the published layout.")
final class MakeSyntheticCommand implements Callable<Integer> {

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Option(names = "--output", paramLabel = "DIR", description = "Directory to write.")
    private @Nullable Path out;

    @Option(names = "--out", hidden = true, description = "Old spelling of --output.")
    void oldOut(Path value) {
        this.out = value;
    }

    @Option(names = "--seed", defaultValue = "0", description = "Random seed (default: ${DEFAULT-VALUE}).")
    private long seed;

    @Option(names = "--size", defaultValue = "100", description = "Eval queries per dataset; train has twice as many"
            + " pairs (default: ${DEFAULT-VALUE}).")
    private int size;

    @Override
    public Integer call() {
        if (out == null) {
            throw new IllegalArgumentException("--output DIR is required");
        }
        dev.vlm2vec.io.WriteErrors.checkFolder("--output", out);
        SyntheticMmeb.write(out, seed, size);
        spec.commandLine().getOut().println("wrote MMEB-mini (seed " + seed + ", " + size + " eval queries per dataset) to "
                + out.toAbsolutePath());
        spec.commandLine().getOut().flush();
        return 0;
    }
}
