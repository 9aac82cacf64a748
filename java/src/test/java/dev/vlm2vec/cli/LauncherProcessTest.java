package dev.vlm2vec.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CLI in a fresh JVM, the way a user starts it, so that library loading is exercised
 * from the start each time: the override property, and its failure.
 */
class LauncherProcessTest {

    private record Run(int exitCode, String output) {}

    private static Run launch(String... arguments) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path")));
        command.addAll(List.of(arguments));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "the CLI did not finish");
        return new Run(process.exitValue(), output);
    }

    @Test
    void overridePropertyLoadsTheLibraryFromTheBuildDirectory() throws Exception {
        Path buildDirectory = Path.of(System.getProperty("vlm2vec.test.nativeBuildDir"));
        Run run = launch("-Dvlm2vec.library.path=" + buildDirectory, Launcher.class.getName(), "--version");
        assertEquals(0, run.exitCode(), run.output());
        assertTrue(run.output().contains("native library " + System.getProperty("vlm2vec.test.projectVersion") + " ("
                + buildDirectory.resolve("libvlm2vec.so") + ")"), run.output());
    }

    @Test
    void doctorFailsAndExplainsAWrongOverride(@TempDir Path empty) throws Exception {
        Run run = launch("-Dvlm2vec.library.path=" + empty, Launcher.class.getName(), "doctor");
        assertEquals(1, run.exitCode(), run.output());
        assertTrue(run.output().contains("[FAIL] native library  The vlm2vec native library named by system property"
                + " vlm2vec.library.path does not exist: " + empty.resolve("libvlm2vec.so")), run.output());
        assertTrue(run.output().contains("1 problem(s) must be fixed before vlm2vec can run."), run.output());
    }
}
