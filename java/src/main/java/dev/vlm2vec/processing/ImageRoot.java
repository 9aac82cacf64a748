package dev.vlm2vec.processing;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import org.jspecify.annotations.NullMarked;

/**
 * Where a data file's image paths resolve: under its root, and only there unless
 * {@link ImageOptions#allowPathsOutsideRoot} says otherwise. An absolute path or one that climbs
 * out ({@code ../}) is refused before anything is opened, so a data set cannot read (or probe
 * the existence of) files elsewhere. Symbolic links inside the root are followed.
 */
@NullMarked
public record ImageRoot(Path root, boolean allowOutside) {

    public ImageRoot {
        root = root.toAbsolutePath().normalize();
    }

    public static ImageRoot of(Path root, ImageOptions options) {
        return new ImageRoot(root, options.allowPathsOutsideRoot());
    }

    /** The file {@code reference} names. */
    public Path resolve(String reference) {
        Path relative;
        try {
            relative = Path.of(reference);
        } catch (InvalidPathException e) {
            throw new ImageLoader.ImageDecodingException("image path '" + reference + "' is not a valid path", e);
        }
        Path resolved = root.resolve(relative).normalize();
        if (!allowOutside && (relative.isAbsolute() || !resolved.startsWith(root))) {
            throw new ImageLoader.ImageDecodingException("image path '" + reference + "' leaves the image root " + root
                    + "; data files may name images under it only (--allow-absolute-paths to read elsewhere)", null);
        }
        return resolved;
    }
}
