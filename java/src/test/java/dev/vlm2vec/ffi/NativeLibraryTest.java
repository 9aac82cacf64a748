package dev.vlm2vec.ffi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NativeLibraryTest {

    @Test
    void loadsThePackedLibraryWithTheProjectVersion() {
        NativeLibrary.load();
        Path loaded = NativeLibrary.loadedFrom();
        assertNotNull(loaded);
        assertTrue(loaded.toString().endsWith("libvlm2vec.so"), loaded.toString());
        assertEquals(System.getProperty("vlm2vec.test.projectVersion"), NativeRuntime.version());
    }

    @Test
    void overridePathThatDoesNotExistIsExplained(@TempDir Path directory) {
        UnsatisfiedLinkError e = assertThrows(UnsatisfiedLinkError.class,
                () -> NativeLibrary.resolveOverride(directory, "system property vlm2vec.library.path"));
        assertTrue(e.getMessage().startsWith("The vlm2vec native library named by system property"
                + " vlm2vec.library.path does not exist: " + directory.resolve("libvlm2vec.so")), e.getMessage());
    }

    @Test
    void overrideMayNameTheFileOrItsDirectory(@TempDir Path directory) throws Exception {
        Path file = Files.createFile(directory.resolve("libvlm2vec.so"));
        assertEquals(file, NativeLibrary.resolveOverride(directory, "test"));
        assertEquals(file, NativeLibrary.resolveOverride(file, "test"));
    }

    @Test
    void missingLibtorchNamesTheLibraryAndThePackage() {
        String message = NativeLibrary.explainLoadFailure(Path.of("/tmp/x/libvlm2vec.so"),
                "/tmp/x/libvlm2vec.so: libtorch_cpu.so.1.13: cannot open shared object file: No such file or directory");
        assertTrue(message.startsWith("Cannot load the vlm2vec native library /tmp/x/libvlm2vec.so: it needs"
                + " libtorch_cpu.so.1.13, which was not found. Install it with `sudo apt-get install libtorch-dev`"),
                message);
        String blas = NativeLibrary.explainLoadFailure(Path.of("/l.so"),
                "/l.so: libopenblas.so.0: cannot open shared object file: No such file or directory");
        assertTrue(blas.contains("sudo apt-get install libopenblas0-pthread"), blas);
        String other = NativeLibrary.explainLoadFailure(Path.of("/l.so"), "/l.so: invalid ELF header");
        assertTrue(other.endsWith("invalid ELF header. Run `vlm2vec doctor` for a check of the environment."), other);
    }

    @Test
    void platformFolderNamesOsAndArchitecture() {
        assertTrue(NativeLibrary.platform().matches("[a-z]+-[a-z0-9_]+"), NativeLibrary.platform());
    }
}
