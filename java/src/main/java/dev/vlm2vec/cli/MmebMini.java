package dev.vlm2vec.cli;

import dev.vlm2vec.data.SyntheticMmeb;
import dev.vlm2vec.io.AtomicFiles;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.jspecify.annotations.NullMarked;

/**
 * The embedded default data set: MMEB-mini (seed 0, 100 queries per dataset), generated once
 * into the user's cache directory ({@code $XDG_CACHE_HOME} or {@code ~/.cache}/vlm2vec).
 */
@NullMarked
final class MmebMini {

    static final long SEED = 0;
    static final int SIZE = 100;

    private MmebMini() {}

    static Path root() {
        String cache = System.getenv("XDG_CACHE_HOME");
        Path base = cache != null && !cache.isBlank() ? Path.of(cache) : Path.of(System.getProperty("user.home"), ".cache");
        return base.resolve("vlm2vec").resolve("mmeb-mini-seed" + SEED + "-size" + SIZE);
    }

    /** The eval split, generating the set first if it is not there. */
    static Path evalSplit(PrintWriter log) {
        return ensure(log).resolve("eval");
    }

    /** The train split, generating the set first if it is not there. */
    static Path trainSplit(PrintWriter log) {
        return ensure(log).resolve("train");
    }

    private static Path ensure(PrintWriter log) {
        Path root = root();
        if (!Files.isDirectory(root)) {
            log.println("generating MMEB-mini into " + root + " (first use)");
            log.flush();
            try {
                Files.createDirectories(root.getParent());
                // Written beside its final place and renamed, so a half-written set is never used.
                Path temporary = AtomicFiles.createSibling(root, true);
                SyntheticMmeb.write(temporary, SEED, SIZE);
                try {
                    Files.move(temporary, root, StandardCopyOption.ATOMIC_MOVE);
                } catch (FileAlreadyExistsException | java.nio.file.DirectoryNotEmptyException
                        | AtomicMoveNotSupportedException e) {
                    // Another process (another rank of a job, say) finished first; its copy is identical.
                    dev.vlm2vec.io.FileTrees.deleteRecursively(temporary);
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot generate MMEB-mini into " + root, e);
            }
        }
        return root;
    }
}
