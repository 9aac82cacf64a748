package dev.vlm2vec.ffi;

import dev.vlm2vec.ffi.internal.vlm2vec_h;
import dev.vlm2vec.io.AtomicFiles;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.NullMarked;
import org.jspecify.annotations.Nullable;

/**
 * Finds and loads {@code libvlm2vec.so} once per JVM, before any binding is used.
 *
 * <p>Where the library comes from, first match wins:
 * <ol>
 *   <li>the system property {@value #PATH_PROPERTY}, or else the environment variable
 *       {@value #PATH_ENV}: the library file, or a directory holding {@code libvlm2vec.so}
 *       (e.g. {@code build/native/native} after a CMake build);
 *   <li>the copy packed in the jar under {@code native/<os>-<arch>/}, extracted once into a
 *       content-addressed cache directory.
 * </ol>
 * After loading, the library's ABI version must equal the one the bindings were written for.
 */
@NullMarked
public final class NativeLibrary {

    public static final String PATH_PROPERTY = "vlm2vec.library.path";
    public static final String PATH_ENV = "VLM2VEC_LIBRARY_PATH";
    public static final String CACHE_PROPERTY = "vlm2vec.native.cache";
    static final String FILE_NAME = "libvlm2vec.so";

    // Libraries libvlm2vec.so depends on, and the Debian package that provides each.
    private static final Map<String, String> PACKAGE_OF_DEPENDENCY = Map.of(
            "libtorch", "libtorch-dev",
            "libc10", "libtorch-dev",
            "libopenblas", "libopenblas0-pthread",
            "libblas", "libopenblas0-pthread",
            "libgomp", "libgomp1",
            "libstdc++", "libstdc++6");
    private static final Pattern MISSING_DEPENDENCY =
            Pattern.compile("(lib[\\w+.-]+\\.so[\\w.]*): cannot open shared object file");

    private static volatile @Nullable Path loadedFrom;

    private NativeLibrary() {}

    /** Loads the library if this JVM has not yet; safe to call from any thread, any number of times. */
    public static void load() {
        if (loadedFrom != null) {
            return;
        }
        synchronized (NativeLibrary.class) {
            if (loadedFrom != null) {
                return;
            }
            Path path = locate();
            try {
                System.load(path.toString());
            } catch (UnsatisfiedLinkError e) {
                UnsatisfiedLinkError explained = new UnsatisfiedLinkError(explainLoadFailure(path, e.getMessage()));
                explained.initCause(e);
                throw explained;
            }
            checkAbiVersion(path);
            OptionalInt threads = ThreadCount.defaultFor(System.getenv(), Runtime.getRuntime().availableProcessors());
            if (threads.isPresent()) {
                NativeException.check(vlm2vec_h.vlm2vec_set_num_threads(threads.getAsInt()), "vlm2vec_set_num_threads");
            }
            loadedFrom = path;
        }
    }

    /** The file the library was loaded from, or null before {@link #load()} succeeded. */
    public static @Nullable Path loadedFrom() {
        return loadedFrom;
    }

    /** The jar's folder name for this platform, e.g. {@code linux-x86_64}. */
    public static String platform() {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        String osName = os.contains("linux") ? "linux" : os.replaceAll("\\W+", "");
        String archName = switch (arch) {
            case "amd64", "x86_64" -> "x86_64";
            case "aarch64", "arm64" -> "aarch64";
            default -> arch;
        };
        return osName + "-" + archName;
    }

    private static Path locate() {
        String override = System.getProperty(PATH_PROPERTY);
        String source = "system property " + PATH_PROPERTY;
        if (override == null || override.isBlank()) {
            override = System.getenv(PATH_ENV);
            source = "environment variable " + PATH_ENV;
        }
        if (override != null && !override.isBlank()) {
            return resolveOverride(Path.of(override), source);
        }
        return extractFromJar();
    }

    static Path resolveOverride(Path override, String source) {
        Path file = Files.isDirectory(override) ? override.resolve(FILE_NAME) : override;
        if (!Files.isRegularFile(file)) {
            throw new UnsatisfiedLinkError("The vlm2vec native library named by " + source + " does not exist: "
                    + file.toAbsolutePath() + ". Point it at libvlm2vec.so or the directory that holds it"
                    + " (after a CMake build: build/native/native), or unset it to use the library in the jar.");
        }
        return file.toAbsolutePath();
    }

    private static Path extractFromJar() {
        String resource = "/native/" + platform() + "/" + FILE_NAME;
        byte[] bytes;
        try (InputStream in = NativeLibrary.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new UnsatisfiedLinkError("This vlm2vec jar has no native library for " + platform()
                        + " (looked for " + resource + "). Build one with `cmake -S . -B build/native && cmake --build"
                        + " build/native` and set -D" + PATH_PROPERTY + " or " + PATH_ENV + " to it.");
            }
            bytes = in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + resource + " from the vlm2vec jar", e);
        }
        // Content-addressed, so JVMs running different builds never overwrite each other's
        // library, and a second start reuses the extracted file.
        Path directory = cacheRoot().resolve(sha256(bytes).substring(0, 16));
        Path target = directory.resolve(FILE_NAME);
        try {
            if (Files.isRegularFile(target) && Files.size(target) == bytes.length) {
                return target;
            }
            Files.createDirectories(directory);
            AtomicFiles.write(target, bytes);
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot extract the vlm2vec native library to " + target
                    + "; set -D" + CACHE_PROPERTY + "=DIR to a writable directory", e);
        }
    }

    private static Path cacheRoot() {
        String configured = System.getProperty(CACHE_PROPERTY);
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured);
        }
        String user = System.getProperty("user.name", "user").replaceAll("[^\\w.-]", "_");
        return Path.of(System.getProperty("java.io.tmpdir"), "vlm2vec-native-" + user);
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError("SHA-256 is required of every JDK", e);
        }
    }

    /**
     * Turns the dynamic linker's message into one that says what to install. Package-private
     * for tests, which cannot make libtorch disappear from the machine they run on.
     */
    static String explainLoadFailure(Path library, @Nullable String linkerMessage) {
        String message = linkerMessage == null ? "" : linkerMessage;
        Matcher missing = MISSING_DEPENDENCY.matcher(message);
        if (missing.find()) {
            String dependency = missing.group(1);
            String advice = PACKAGE_OF_DEPENDENCY.entrySet().stream()
                    .filter(entry -> dependency.startsWith(entry.getKey()))
                    .map(entry -> "Install it with `sudo apt-get install " + entry.getValue() + "` (Debian/Ubuntu)"
                            + (entry.getValue().equals("libtorch-dev")
                                    ? ", or put a libtorch lib/ directory on LD_LIBRARY_PATH"
                                    : ""))
                    .findFirst()
                    .orElse("Install the package that provides it, or add its directory to LD_LIBRARY_PATH");
            return "Cannot load the vlm2vec native library " + library + ": it needs " + dependency
                    + ", which was not found. " + advice + ". (" + message + ")";
        }
        return "Cannot load the vlm2vec native library " + library + ": " + message
                + ". Run `vlm2vec doctor` for a check of the environment.";
    }

    private static void checkAbiVersion(Path path) {
        int actual = vlm2vec_h.vlm2vec_abi_version();
        int expected = vlm2vec_h.VLM2VEC_ABI_VERSION();
        if (actual != expected) {
            throw new UnsatisfiedLinkError("The vlm2vec native library " + path + " has ABI version " + actual
                    + " but this jar needs version " + expected + ". Rebuild the library from the same source tree,"
                    + " or unset " + PATH_PROPERTY + "/" + PATH_ENV + " to use the copy in the jar.");
        }
    }
}
