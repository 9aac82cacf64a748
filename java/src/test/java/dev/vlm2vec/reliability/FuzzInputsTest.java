package dev.vlm2vec.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * 2,000 seeded mutated inputs through the Java API in a child JVM ({@link FuzzInputs}): no
 * crash (the exit code, and no hs_err file), no hang (per input), every failure typed and
 * naming its file. CI keeps one seed so a failure repeats; a longer campaign:
 * {@code mvn -pl java test -Dtest=FuzzInputsTest -Dvlm2vec.fuzz.count=100000 -Dvlm2vec.fuzz.seed=7}.
 */
class FuzzInputsTest {

    @Test
    void mutatedUserFilesNeverCrashHangOrFailUnnamed(@TempDir Path directory) throws Exception {
        String count = System.getProperty("vlm2vec.fuzz.count", "2000");
        String seed = System.getProperty("vlm2vec.fuzz.seed", "20261201");
        Path errorFile = directory.resolve("hs_err.log");
        Path log = directory.resolve("fuzz.log");
        Process process = new ProcessBuilder(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-Xmx512m", "-XX:ErrorFile=" + errorFile,
                "-Dvlm2vec.library.path=" + System.getProperty("vlm2vec.test.nativeBuildDir"),
                "-cp", System.getProperty("java.class.path"), FuzzInputs.class.getName(),
                Files.createDirectories(directory.resolve("work")).toString(), seed, count))
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        boolean finished = process.waitFor(Math.max(15, Long.parseLong(count) / 100), TimeUnit.MINUTES);
        if (!finished) {
            process.destroyForcibly();
        }
        String output = Files.readString(log);
        assertTrue(finished, "the fuzz run did not finish:\n" + output);
        assertTrue(!Files.exists(errorFile), "the JVM crashed:\n" + output);
        assertEquals(0, process.exitValue(), output);
        assertTrue(output.contains("fuzz: " + count + " inputs") && output.contains(", 0 unexpected"), output);
    }
}
