package dev.vlm2vec.reliability;

import dev.vlm2vec.processing.Tokenizer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A libFuzzer target (run by Jazzer, {@code scripts/fuzz.sh tokenizer}) for the tokenizer.json
 * check: each input is a model's tokenizer.json, loaded as vlm2vec loads it and used to encode.
 * The tokenizers library is Rust behind JNI, and a Rust panic aborts the JVM, so anything the
 * check lets through that the library cannot take shows up as a crash here. A refused file
 * (at load or at its first encode) must be refused with IllegalArgumentException or
 * UncheckedIOException naming the file; any other exception is a finding too.
 */
public final class TokenizerFileFuzzer {

    private static final Path DIRECTORY;
    private static final Path FILE;

    static {
        try {
            Path base = Files.isDirectory(Path.of("/dev/shm")) ? Path.of("/dev/shm") : Path.of(System.getProperty("java.io.tmpdir"));
            // Named by the process, as the native targets' folders are: scripts/fuzz.sh removes
            // those of processes that are gone (a crash runs no shutdown hook).
            DIRECTORY = Files.createDirectories(base.resolve("vlm2vec-fuzz-" + ProcessHandle.current().pid()));
            FILE = DIRECTORY.resolve("tokenizer.json");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                Files.deleteIfExists(FILE);
                Files.deleteIfExists(DIRECTORY);
            } catch (IOException ignored) {
                // a folder left in /dev/shm is harmless
            }
        }));
    }

    private TokenizerFileFuzzer() {}

    public static void fuzzerTestOneInput(byte[] input) throws IOException {
        Files.write(FILE, input);
        try (Tokenizer tokenizer = Tokenizer.load(DIRECTORY, 0)) {
            long[] ids = tokenizer.encode("A fuzzed tokenizer encodes this, <|image_1|> and <image>, then decodes it.");
            tokenizer.decode(ids);
        } catch (IllegalArgumentException | UncheckedIOException e) {
            if (e.getMessage() == null || !e.getMessage().contains(FILE.toString())) {
                throw new AssertionError("the error does not name " + FILE + ": " + e.getMessage(), e);
            }
        }
    }
}
