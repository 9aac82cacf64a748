package dev.vlm2vec.cli;

import dev.vlm2vec.ffi.NativeException;
import java.io.UncheckedIOException;
import org.jspecify.annotations.NullMarked;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code vlm2vec}: the command-line front end. */
@NullMarked
@Command(
        name = "vlm2vec",
        mixinStandardHelpOptions = true,
        versionProvider = VersionReport.class,
        description = "Vision-language models as universal multimodal embedding models (VLM2Vec).",
        subcommands = {DoctorCommand.class, InitTinyCommand.class, InitRandomCommand.class, EmbedCommand.class, ServeCommand.class, EvalCommand.class, ReportCommand.class, TrainCommand.class, MergeCommand.class,
                MakeSyntheticCommand.class, CommandLine.HelpCommand.class})
public final class Vlm2VecCli implements Runnable {

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The configured command line, shared by {@link #main} and the tests. */
    public static CommandLine commandLine() {
        CommandLine commandLine = new CommandLine(new Vlm2VecCli());
        // Expected failures (bad input, native errors) print their message, not a stack trace.
        commandLine.setExecutionExceptionHandler((exception, line, parseResult) -> {
            if (exception instanceof NativeException || exception instanceof IllegalArgumentException
                    || exception instanceof IllegalStateException || exception instanceof UncheckedIOException
                    || exception instanceof java.io.IOException
                    || exception instanceof java.util.concurrent.RejectedExecutionException) {
                line.getErr().println("vlm2vec " + line.getCommandName() + ": " + exception.getMessage());
                line.getErr().flush();
                return 1;
            }
            throw exception;
        });
        return commandLine;
    }

    @Override
    public void run() {
        // No subcommand: say what there is.
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
