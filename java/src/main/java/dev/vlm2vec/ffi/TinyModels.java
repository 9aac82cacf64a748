package dev.vlm2vec.ffi;

import dev.vlm2vec.ffi.internal.vlm2vec_h;
import java.lang.foreign.Arena;
import java.nio.file.Path;
import org.jspecify.annotations.NullMarked;

/**
 * Tiny random models in the real Hugging Face layout, for tests and demos: every code path
 * of the real architecture, at a size that runs in milliseconds on a CPU.
 */
@NullMarked
public final class TinyModels {

    private TinyModels() {}

    /**
     * Writes a tiny model of {@code architecture} ({@code phi3_v} or {@code llava_next}) into {@code directory}:
     * config.json, model.safetensors (bf16), tokenizer.json, tokenizer_config.json,
     * preprocessor_config.json. The same seed gives the same bytes.
     *
     * @param imageSize the CLIP crop side in pixels (0 for the default 56; 336 is the real size)
     */
    public static void write(String architecture, Path directory, long seed, int imageSize) {
        NativeLibrary.load();
        try (Arena call = Arena.ofConfined()) {
            NativeException.check(vlm2vec_h.vlm2vec_init_tiny(call.allocateFrom(architecture),
                    call.allocateFrom(directory.toAbsolutePath().toString()), seed, imageSize), "init-tiny");
        }
    }
}
