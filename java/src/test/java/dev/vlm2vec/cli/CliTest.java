package dev.vlm2vec.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vlm2vec.ffi.NativeRuntime;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class CliTest {

    private record Run(int exitCode, String out) {}

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        CommandLine commandLine = Vlm2VecCli.commandLine();
        commandLine.setOut(new PrintWriter(out));
        int exitCode = commandLine.execute(args);
        return new Run(exitCode, out.toString());
    }

    @Test
    void versionNamesEveryLayer() {
        Run run = run("--version");
        assertEquals(0, run.exitCode());
        String version = System.getProperty("vlm2vec.test.projectVersion");
        assertTrue(run.out().startsWith("vlm2vec " + version + "\n"), run.out());
        assertTrue(run.out().contains("\nnative library " + version + " ("), run.out());
        assertTrue(run.out().contains("\nlibtorch " + NativeRuntime.info().torchVersion() + "\n"), run.out());
        assertTrue(run.out().contains("\nBLAS "), run.out());
        assertTrue(run.out().contains("\nCUDA "), run.out());
    }

    @Test
    void doctorPassesHereAndPrintsEachCheck() {
        Run run = run("doctor");
        assertEquals(0, run.exitCode(), run.out());
        assertTrue(run.out().contains("[OK  ] native library"), run.out());
        assertTrue(run.out().contains("BLAS"), run.out());
    }

    @Test
    void noSubcommandPrintsUsage() {
        Run run = run();
        assertEquals(0, run.exitCode());
        assertTrue(run.out().contains("Usage: vlm2vec"), run.out());
        assertTrue(run.out().contains("doctor"), run.out());
    }

    @Test
    void unknownSubcommandIsAUsageError() {
        assertEquals(2, run("frobnicate").exitCode());
    }
}
