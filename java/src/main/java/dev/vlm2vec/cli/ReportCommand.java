package dev.vlm2vec.cli;

import dev.vlm2vec.eval.EvalRun;
import dev.vlm2vec.eval.HtmlReport;
import dev.vlm2vec.eval.MmebRegistry;
import dev.vlm2vec.eval.SummaryWriter;
import dev.vlm2vec.io.WriteErrors;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.jspecify.annotations.NullMarked;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code vlm2vec report}: several evaluation runs side by side in one HTML report. */
@NullMarked
@Command(name = "report", mixinStandardHelpOptions = true,
        description = "Draw several `eval` results (folders holding summary.json) side by side in one HTML report:"
                + " a chart per meta-task and a per-dataset table.")
final class ReportCommand implements Callable<Integer> {

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "RESULTS_DIR", arity = "1..*", description = "Folders written by `vlm2vec eval --output`.")
    private List<Path> runs = new ArrayList<>();

    @Option(names = "--output", paramLabel = "FILE", description = "The HTML file to write. Default: ${DEFAULT-VALUE}.")
    private Path output = Path.of("mmeb-comparison.html");

    @Override
    public Integer call() throws IOException {
        WriteErrors.checkFile("--output", output);
        MmebRegistry registry = MmebRegistry.load();
        List<EvalRun> loaded = new ArrayList<>();
        for (Path folder : runs) {
            loaded.add(SummaryWriter.read(folder, registry));
        }
        HtmlReport.write(loaded, registry, output);
        spec.commandLine().getOut().println("report of " + loaded.size() + " run(s): " + output.toAbsolutePath());
        spec.commandLine().getOut().flush();
        return 0;
    }
}
