package dev.vlm2vec.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * DuckDB is an optional dependency of the library: a service without it that reads parquet gets
 * an error naming the dependency to add, in a JVM whose class path really lacks the DuckDB jar.
 */
class ParquetWithoutDuckDbTest {

    /** Runs in the child JVM: reads the parquet file it is given and prints the error. */
    public static void main(String[] arguments) {
        try {
            MmebParquet.readEval(Path.of(arguments[0]));
            System.out.println("read without DuckDB");
        } catch (IllegalStateException e) {
            System.out.println(e.getMessage());
            System.exit(3);
        }
    }

    @Test
    void readingParquetWithoutDuckDbNamesTheDependency(@TempDir Path directory) throws Exception {
        List<String> entries = Arrays.asList(System.getProperty("java.class.path").split(File.pathSeparator));
        String duckDbJar = entries.stream().map(entry -> Path.of(entry).getFileName().toString())
                .filter(name -> name.startsWith("duckdb_jdbc-")).findFirst()
                .orElseThrow(() -> new AssertionError("the tests' class path has no DuckDB jar to leave out"));
        String classPath = entries.stream().filter(entry -> !entry.endsWith(duckDbJar)).collect(Collectors.joining(File.pathSeparator));
        Process process = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", classPath, ParquetWithoutDuckDbTest.class.getName(), directory.resolve("test.parquet").toString()))
                .redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS));
        assertEquals(3, process.exitValue(), output);
        assertTrue(output.contains("Reading or writing parquet needs DuckDB's JDBC driver, which is not on the class path:"
                + " add the dependency org.duckdb:duckdb_jdbc:" + duckDbJar.substring("duckdb_jdbc-".length(), duckDbJar.length() - ".jar".length())
                + " (optional in the vlm2vec library"), output);
    }
}
