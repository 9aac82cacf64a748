package dev.vlm2vec.processing;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.Optional;
import org.jspecify.annotations.NullMarked;
import org.jspecify.annotations.Nullable;

/**
 * WebP decoding by the system's libwebp (Debian: libwebp7), called through FFM: the decoder
 * Pillow uses, so lossy images get its "fancy" chroma upsampling and YUV rounding byte for
 * byte. TwelveMonkeys' Java decoder, the fallback where libwebp is absent, upsamples chroma
 * by pixel replication and differs by up to ~70 levels at colour edges (lossless is exact).
 */
@NullMarked
final class LibWebP {

    /** Looked up on first use (the first WebP), so other images never touch native access. */
    private static final class Handles {
        static final @Nullable MethodHandle DECODE_RGB;
        static final @Nullable MethodHandle FREE;

        static {
            Optional<SystemLibrary> library = SystemLibrary.open("libwebp.so.7", "libwebp.so", "libwebp.7.dylib",
                    "libwebp.dylib");
            // uint8_t* WebPDecodeRGB(const uint8_t* data, size_t size, int* width, int* height)
            Optional<MethodHandle> decode = library.flatMap(l -> l.function("WebPDecodeRGB", FunctionDescriptor.of(
                    ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG, ValueLayout.ADDRESS,
                    ValueLayout.ADDRESS)));
            Optional<MethodHandle> free = library.flatMap(l -> l.function("WebPFree",
                    FunctionDescriptor.ofVoid(ValueLayout.ADDRESS)));
            DECODE_RGB = free.isPresent() ? decode.orElse(null) : null;
            FREE = free.orElse(null);
        }
    }

    private LibWebP() {}

    static boolean available() {
        return Handles.DECODE_RGB != null;
    }

    /**
     * The RGB pixels of a still WebP (alpha dropped, as Pillow's convert("RGB")); empty when
     * libwebp is absent or refuses the file (an animation, or damage: the Java decoder then
     * gives its own answer or error).
     */
    static Optional<RgbImage> decode(byte[] file) {
        MethodHandle decodeRgb = Handles.DECODE_RGB, free = Handles.FREE;
        if (decodeRgb == null || free == null) {
            return Optional.empty();
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment data = arena.allocate(file.length);
            MemorySegment.copy(file, 0, data, ValueLayout.JAVA_BYTE, 0, file.length);
            MemorySegment width = arena.allocate(ValueLayout.JAVA_INT), height = arena.allocate(ValueLayout.JAVA_INT);
            MemorySegment pixels = (MemorySegment) decodeRgb.invokeExact(data, (long) file.length, width, height);
            if (pixels.equals(MemorySegment.NULL)) {
                return Optional.empty();
            }
            try {
                int w = width.get(ValueLayout.JAVA_INT, 0), h = height.get(ValueLayout.JAVA_INT, 0);
                byte[] rgb = pixels.reinterpret((long) w * h * 3).toArray(ValueLayout.JAVA_BYTE);
                return Optional.of(new RgbImage(w, h, rgb));
            } finally {
                free.invokeExact(pixels);
            }
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException("libwebp call failed", e);
        }
    }
}
