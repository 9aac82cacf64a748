package dev.vlm2vec.cli;

import dev.vlm2vec.data.SyntheticMmeb;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.jspecify.annotations.NullMarked;
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

    @Option(names = "--out", required = true, description = "Directory to write.")
    private Path out = Path.of(".");

    @Option(names = "--seed", defaultValue = "0", description = "Random seed (default: ${DEFAULT-VALUE}).")
    private long seed;

    @Option(names = "--size", defaultValue = "100", description = "Eval queries per dataset; train has twice as many"
            + " pairs (default: ${DEFAULT-VALUE}).")
    private int size;

    @Override
    public Integer call() {
        SyntheticMmeb.write(out, seed, size);
        spec.commandLine().getOut().println("wrote MMEB-mini (seed " + seed + ", " + size + " eval queries per dataset) to "
                + out.toAbsolutePath());
        spec.commandLine().getOut().flush();
        return 0;
    }
}
