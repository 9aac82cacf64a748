package dev.vlm2vec.io;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.jspecify.annotations.NullMarked;
import org.jspecify.annotations.Nullable;

/**
 * Why an output cannot be written, in words: "cannot write X: permission denied", "...: folder
 * Y does not exist", "...: it is a directory", checked before any work starts
 * ({@link #checkFile}, {@link #checkFolder}) and used to explain a failed write.
 */
@NullMarked
public final class WriteErrors {

    private WriteErrors() {}

    /** An IOException whose message names {@code target} and the reason in words. */
    public static IOException explain(Path target, FileSystemException e) {
        String reason;
        if (e instanceof AccessDeniedException) {
            reason = "permission denied";
        } else if (e instanceof NoSuchFileException) {
            Path parent = target.toAbsolutePath().getParent();
            reason = parent != null && !Files.isDirectory(parent) ? "folder " + parent + " does not exist"
                    : "no such file or folder";
        } else if (Files.isDirectory(target)) {
            reason = "it is a directory";
        } else {
            reason = e.getReason() != null ? e.getReason().toLowerCase(java.util.Locale.ROOT) : e.getClass().getSimpleName();
        }
        IOException explained = new IOException("cannot write " + target + ": " + reason);
        explained.initCause(e);
        return explained;
    }

    /**
     * Checks that {@code file} can be created or replaced, before any work: its folder exists
     * and is writable and it is not a directory. {@code flag} (e.g. {@code --output}) leads the message.
     */
    public static void checkFile(String flag, Path file) {
        Path absolute = file.toAbsolutePath();
        @Nullable String problem = null;
        Path parent = absolute.getParent();
        if (Files.isDirectory(absolute)) {
            problem = "it is a directory";
        } else if (parent == null || !Files.isDirectory(parent)) {
            problem = "folder " + parent + " does not exist";
        } else if (!Files.isWritable(parent)) {
            problem = "permission denied (folder " + parent + " is not writable)";
        } else if (Files.exists(absolute) && !Files.isWritable(absolute)) {
            problem = "permission denied";
        }
        if (problem != null) {
            throw new IllegalArgumentException(flag + " " + file + ": cannot write " + absolute + ": " + problem);
        }
    }

    /** Checks that {@code folder} exists as a writable folder or can be created (its nearest existing ancestor is one). */
    public static void checkFolder(String flag, Path folder) {
        Path absolute = folder.toAbsolutePath();
        Path existing = absolute;
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        @Nullable String problem = null;
        if (existing == null) {
            problem = "no part of the path exists";
        } else if (!Files.isDirectory(existing)) {
            problem = existing.equals(absolute) ? "it is a file, not a folder" : existing + " is a file, not a folder";
        } else if (!Files.isWritable(existing)) {
            problem = "permission denied" + (existing.equals(absolute) ? "" : " (" + existing + " is not writable)");
        }
        if (problem != null) {
            throw new IllegalArgumentException(flag + " " + folder + ": cannot write into " + absolute + ": " + problem);
        }
    }
}
