package dev.vlm2vec.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Written files and folders get the modes the umask gives new ones: under umask 027 a model
 * written natively (init-tiny) and a data set written by Java and DuckDB (make-synthetic) are
 * 0640 / 0750, never 0600 / 0700 whatever the umask.
 */
class FileModesTest {

    @Test
    void writtenFilesFollowTheUmask(@TempDir Path directory) throws Exception {
        Path model = directory.resolve("model");
        Path data = directory.resolve("data");
        run(directory, "init-tiny", "--arch", "phi3v", "--output", model.toString());
        run(directory, "make-synthetic", "--output", data.toString(), "--size", "8");
        for (Path root : List.of(model, data)) {
            try (Stream<Path> walk = Files.walk(root)) {
                for (Path p : walk.toList()) {
                    assertEquals(Files.isDirectory(p) ? 0750 : 0640, TrainCommandTest.mode(p), p.toString());
                }
            }
        }
    }

    private static void run(Path directory, String... args) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        StringBuilder command = new StringBuilder("umask 027 && exec '" + java + "' --enable-native-access=ALL-UNNAMED"
                + " '-Dvlm2vec.library.path=" + System.getProperty("vlm2vec.test.nativeBuildDir") + "' -cp '"
                + System.getProperty("java.class.path") + "' " + Vlm2VecCli.class.getName());
        for (String arg : args) {
            command.append(" '").append(arg).append('\'');
        }
        Path log = directory.resolve("log.txt");
        Process process = new ProcessBuilder("bash", "-c", command.toString()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
        assertEquals(0, process.exitValue(), Files.readString(log));
    }
}
