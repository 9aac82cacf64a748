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
 * JPEG decoding by the system's libjpeg-turbo (its TurboJPEG API; Debian: libturbojpeg0),
 * called through FFM: the codec Debian's Pillow 9.4 links (libjpeg-turbo 2.1.5), with Pillow's
 * settings (the accurate integer IDCT, fancy upsampling), so every subsampling decodes byte for
 * byte as in Pillow. The JDK's own decoder (libjpeg 6b), the fallback where the library is
 * absent, agrees except for 4:4:0 files, whose chroma rows it replicates instead of
 * interpolating (up to ~50 levels apart).
 */
@NullMarked
final class LibTurboJpeg {

    private static final int PIXEL_RGB = 0;       // TJPF_RGB
    private static final int PIXEL_CMYK = 11;     // TJPF_CMYK
    private static final int COLOURS_CMYK = 3;    // TJCS_CMYK
    private static final int COLOURS_YCCK = 4;    // TJCS_YCCK
    private static final int ACCURATE_DCT = 4096; // TJFLAG_ACCURATEDCT (the decompression default, made explicit)
    private static final int WARNING = 0;         // TJERR_WARNING: the image was decoded (libjpeg warned, as Pillow ignores)

    /** Looked up on first use (the first JPEG). */
    private static final class Handles {
        static final @Nullable MethodHandle INIT;
        static final @Nullable MethodHandle HEADER;
        static final @Nullable MethodHandle DECOMPRESS;
        static final @Nullable MethodHandle ERROR_CODE;
        static final @Nullable MethodHandle DESTROY;

        static {
            Optional<SystemLibrary> library = SystemLibrary.open("libturbojpeg.so.0", "libturbojpeg.so",
                    "libturbojpeg.0.dylib", "libturbojpeg.dylib");
            ValueLayout pointer = ValueLayout.ADDRESS, integer = ValueLayout.JAVA_INT, size = ValueLayout.JAVA_LONG;
            // tjhandle tjInitDecompress(void)
            MethodHandle init = library.flatMap(l -> l.function("tjInitDecompress", FunctionDescriptor.of(pointer)))
                    .orElse(null);
            // int tjDecompressHeader3(tjhandle, const unsigned char*, unsigned long, int* width, int* height,
            //                         int* subsampling, int* colourspace)
            MethodHandle header = library.flatMap(l -> l.function("tjDecompressHeader3", FunctionDescriptor.of(integer,
                    pointer, pointer, size, pointer, pointer, pointer, pointer))).orElse(null);
            // int tjDecompress2(tjhandle, const unsigned char*, unsigned long, unsigned char* dst, int width,
            //                   int pitch, int height, int pixelFormat, int flags)
            MethodHandle decompress = library.flatMap(l -> l.function("tjDecompress2", FunctionDescriptor.of(integer,
                    pointer, pointer, size, pointer, integer, integer, integer, integer, integer))).orElse(null);
            MethodHandle errorCode = library.flatMap(l -> l.function("tjGetErrorCode",
                    FunctionDescriptor.of(integer, pointer))).orElse(null);
            MethodHandle destroy = library.flatMap(l -> l.function("tjDestroy", FunctionDescriptor.of(integer, pointer)))
                    .orElse(null);
            boolean complete = init != null && header != null && decompress != null && errorCode != null && destroy != null;
            INIT = complete ? init : null;
            HEADER = header;
            DECOMPRESS = decompress;
            ERROR_CODE = errorCode;
            DESTROY = destroy;
        }
    }

    private LibTurboJpeg() {}

    static boolean available() {
        return Handles.INIT != null;
    }

    /**
     * Decoded samples: RGB for gray, YCbCr and RGB files; for CMYK and YCCK files the CMYK
     * samples libjpeg gives Pillow (YCCK converted), which {@link PillowRgb#fromCmyk} turns into RGB.
     */
    record Decoded(int width, int height, boolean cmyk, byte[] samples) {}

    /** The decoded image; empty when the library is absent or fails on the file (the JDK's decoder then answers). */
    static Optional<Decoded> decode(byte[] file) {
        MethodHandle init = Handles.INIT, header = Handles.HEADER, decompress = Handles.DECOMPRESS;
        MethodHandle errorCode = Handles.ERROR_CODE, destroy = Handles.DESTROY;
        if (init == null || header == null || decompress == null || errorCode == null || destroy == null) {
            return Optional.empty();
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment handle = (MemorySegment) init.invokeExact();
            if (handle.equals(MemorySegment.NULL)) {
                return Optional.empty();
            }
            try {
                MemorySegment data = arena.allocate(file.length);
                MemorySegment.copy(file, 0, data, ValueLayout.JAVA_BYTE, 0, file.length);
                MemorySegment facts = arena.allocate(ValueLayout.JAVA_INT, 4);  // width, height, subsampling, colours
                int status = (int) header.invokeExact(handle, data, (long) file.length, facts,
                        facts.asSlice(4), facts.asSlice(8), facts.asSlice(12));
                if (status != 0) {
                    return Optional.empty();
                }
                int width = facts.getAtIndex(ValueLayout.JAVA_INT, 0), height = facts.getAtIndex(ValueLayout.JAVA_INT, 1);
                int colours = facts.getAtIndex(ValueLayout.JAVA_INT, 3);
                boolean cmyk = colours == COLOURS_CMYK || colours == COLOURS_YCCK;
                int channels = cmyk ? 4 : 3;
                MemorySegment pixels = arena.allocate((long) width * height * channels);
                status = (int) decompress.invokeExact(handle, data, (long) file.length, pixels, width, 0, height,
                        cmyk ? PIXEL_CMYK : PIXEL_RGB, ACCURATE_DCT);
                if (status != 0 && (int) errorCode.invokeExact(handle) != WARNING) {
                    return Optional.empty();
                }
                return Optional.of(new Decoded(width, height, cmyk, pixels.toArray(ValueLayout.JAVA_BYTE)));
            } finally {
                int ignored = (int) destroy.invokeExact(handle);
            }
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException("libturbojpeg call failed", e);
        }
    }
}
