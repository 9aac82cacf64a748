// Struct binding for vlm2vec_runtime_info in native/include/vlm2vec.h, in the shape
// jextract 22 generates; see vlm2vec_h for why it is kept by hand.

package dev.vlm2vec.ffi.internal;

import java.lang.invoke.*;
import java.lang.foreign.*;
import java.nio.ByteOrder;
import java.util.*;
import java.util.function.*;
import java.util.stream.*;

import static java.lang.foreign.ValueLayout.*;
import static java.lang.foreign.MemoryLayout.PathElement.*;

/**
 * {@snippet lang=c :
 * struct vlm2vec_runtime_info {
 *     char torch_version[32];
 *     char blas_version[128];
 *     char blas_library[256];
 *     int32_t blas_kind;
 *     int32_t cuda_compiled;
 *     int32_t cuda_available;
 *     int32_t cuda_device_count;
 *     int32_t cuda_kernels;
 *     int32_t num_threads;
 *     int32_t num_interop_threads;
 *     int32_t max_threads;
 * }
 * }
 */
public class vlm2vec_runtime_info {

    vlm2vec_runtime_info() {
        // Should not be called directly
    }

    private static final GroupLayout $LAYOUT = MemoryLayout.structLayout(
        MemoryLayout.sequenceLayout(32, vlm2vec_h.C_CHAR).withName("torch_version"),
        MemoryLayout.sequenceLayout(128, vlm2vec_h.C_CHAR).withName("blas_version"),
        MemoryLayout.sequenceLayout(256, vlm2vec_h.C_CHAR).withName("blas_library"),
        vlm2vec_h.C_INT.withName("blas_kind"),
        vlm2vec_h.C_INT.withName("cuda_compiled"),
        vlm2vec_h.C_INT.withName("cuda_available"),
        vlm2vec_h.C_INT.withName("cuda_device_count"),
        vlm2vec_h.C_INT.withName("cuda_kernels"),
        vlm2vec_h.C_INT.withName("num_threads"),
        vlm2vec_h.C_INT.withName("num_interop_threads"),
        vlm2vec_h.C_INT.withName("max_threads")
    ).withName("vlm2vec_runtime_info");

    /**
     * The layout of this struct
     */
    public static final GroupLayout layout() {
        return $LAYOUT;
    }

    private static final SequenceLayout torch_version$LAYOUT = (SequenceLayout)$LAYOUT.select(groupElement("torch_version"));

    /**
     * Layout for field:
     * {@snippet lang=c :
     * char torch_version[32]
     * }
     */
    public static final SequenceLayout torch_version$layout() {
        return torch_version$LAYOUT;
    }

    private static final long torch_version$OFFSET = 0;

    /**
     * Offset for field:
     * {@snippet lang=c :
     * char torch_version[32]
     * }
     */
    public static final long torch_version$offset() {
        return torch_version$OFFSET;
    }

    /**
     * Getter for field:
     * {@snippet lang=c :
     * char torch_version[32]
     * }
     */
    public static MemorySegment torch_version(MemorySegment struct) {
        return struct.asSlice(torch_version$OFFSET, torch_version$LAYOUT.byteSize());
    }

    /**
     * Setter for field:
     * {@snippet lang=c :
     * char torch_version[32]
     * }
     */
    public static void torch_version(MemorySegment struct, MemorySegment fieldValue) {
        MemorySegment.copy(fieldValue, 0L, struct, torch_version$OFFSET, torch_version$LAYOUT.byteSize());
    }

    private static long[] torch_version$DIMS = { 32 };

    /**
     * Dimensions for array field:
     * {@snippet lang=c :
     * char torch_version[32]
     * }
     */
    public static long[] torch_version$dimensions() {
        return torch_version$DIMS;
    }
    private static final VarHandle torch_version$ELEM_HANDLE = torch_version$LAYOUT.varHandle(sequenceElement());

    /**
     * Indexed getter for field:
     * {@snippet lang=c :
     * char torch_version[32]
     * }
     */
    public static byte torch_version(MemorySegment struct, long index0) {
        return (byte)torch_version$ELEM_HANDLE.get(struct, 0L, index0);
    }

    /**
     * Indexed setter for field:
     * {@snippet lang=c :
     * char torch_version[32]
     * }
     */
    public static void torch_version(MemorySegment struct, long index0, byte fieldValue) {
        torch_version$ELEM_HANDLE.set(struct, 0L, index0, fieldValue);
    }

    private static final SequenceLayout blas_version$LAYOUT = (SequenceLayout)$LAYOUT.select(groupElement("blas_version"));

    /**
     * Layout for field:
     * {@snippet lang=c :
     * char blas_version[128]
     * }
     */
    public static final SequenceLayout blas_version$layout() {
        return blas_version$LAYOUT;
    }

    private static final long blas_version$OFFSET = 32;

    /**
     * Offset for field:
     * {@snippet lang=c :
     * char blas_version[128]
     * }
     */
    public static final long blas_version$offset() {
        return blas_version$OFFSET;
    }

    /**
     * Getter for field:
     * {@snippet lang=c :
     * char blas_version[128]
     * }
     */
    public static MemorySegment blas_version(MemorySegment struct) {
        return struct.asSlice(blas_version$OFFSET, blas_version$LAYOUT.byteSize());
    }

    /**
     * Setter for field:
     * {@snippet lang=c :
     * char blas_version[128]
     * }
     */
    public static void blas_version(MemorySegment struct, MemorySegment fieldValue) {
        MemorySegment.copy(fieldValue, 0L, struct, blas_version$OFFSET, blas_version$LAYOUT.byteSize());
    }

    private static long[] blas_version$DIMS = { 128 };

    /**
     * Dimensions for array field:
     * {@snippet lang=c :
     * char blas_version[128]
     * }
     */
    public static long[] blas_version$dimensions() {
        return blas_version$DIMS;
    }
    private static final VarHandle blas_version$ELEM_HANDLE = blas_version$LAYOUT.varHandle(sequenceElement());

    /**
     * Indexed getter for field:
     * {@snippet lang=c :
     * char blas_version[128]
     * }
     */
    public static byte blas_version(MemorySegment struct, long index0) {
        return (byte)blas_version$ELEM_HANDLE.get(struct, 0L, index0);
    }

    /**
     * Indexed setter for field:
     * {@snippet lang=c :
     * char blas_version[128]
     * }
     */
    public static void blas_version(MemorySegment struct, long index0, byte fieldValue) {
        blas_version$ELEM_HANDLE.set(struct, 0L, index0, fieldValue);
    }

    private static final SequenceLayout blas_library$LAYOUT = (SequenceLayout)$LAYOUT.select(groupElement("blas_library"));

    /**
     * Layout for field:
     * {@snippet lang=c :
     * char blas_library[256]
     * }
     */
    public static final SequenceLayout blas_library$layout() {
        return blas_library$LAYOUT;
    }

    private static final long blas_library$OFFSET = 160;

    /**
     * Offset for field:
     * {@snippet lang=c :
     * char blas_library[256]
     * }
     */
    public static final long blas_library$offset() {
        return blas_library$OFFSET;
    }

    /**
     * Getter for field:
     * {@snippet lang=c :
     * char blas_library[256]
     * }
     */
    public static MemorySegment blas_library(MemorySegment struct) {
        return struct.asSlice(blas_library$OFFSET, blas_library$LAYOUT.byteSize());
    }

    /**
     * Setter for field:
     * {@snippet lang=c :
     * char blas_library[256]
     * }
     */
    public static void blas_library(MemorySegment struct, MemorySegment fieldValue) {
        MemorySegment.copy(fieldValue, 0L, struct, blas_library$OFFSET, blas_library$LAYOUT.byteSize());
    }

    private static long[] blas_library$DIMS = { 256 };

    /**
     * Dimensions for array field:
     * {@snippet lang=c :
     * char blas_library[256]
     * }
     */
    public static long[] blas_library$dimensions() {
        return blas_library$DIMS;
    }
    private static final VarHandle blas_library$ELEM_HANDLE = blas_library$LAYOUT.varHandle(sequenceElement());

    /**
     * Indexed getter for field:
     * {@snippet lang=c :
     * char blas_library[256]
     * }
     */
    public static byte blas_library(MemorySegment struct, long index0) {
        return (byte)blas_library$ELEM_HANDLE.get(struct, 0L, index0);
    }

    /**
     * Indexed setter for field:
     * {@snippet lang=c :
     * char blas_library[256]
     * }
     */
    public static void blas_library(MemorySegment struct, long index0, byte fieldValue) {
        blas_library$ELEM_HANDLE.set(struct, 0L, index0, fieldValue);
    }

    private static final OfInt blas_kind$LAYOUT = (OfInt)$LAYOUT.select(groupElement("blas_kind"));

    /**
     * Layout for field:
     * {@snippet lang=c :
     * int32_t blas_kind
     * }
     */
    public static final OfInt blas_kind$layout() {
        return blas_kind$LAYOUT;
    }

    private static final long blas_kind$OFFSET = 416;

    /**
     * Offset for field:
     * {@snippet lang=c :
     * int32_t blas_kind
     * }
     */
    public static final long blas_kind$offset() {
        return blas_kind$OFFSET;
    }

    /**
     * Getter for field:
     * {@snippet lang=c :
     * int32_t blas_kind
     * }
     */
    public static int blas_kind(MemorySegment struct) {
        return struct.get(blas_kind$LAYOUT, blas_kind$OFFSET);
    }

    /**
     * Setter for field:
     * {@snippet lang=c :
     * int32_t blas_kind
     * }
     */
    public static void blas_kind(MemorySegment struct, int fieldValue) {
        struct.set(blas_kind$LAYOUT, blas_kind$OFFSET, fieldValue);
    }

    private static final OfInt cuda_compiled$LAYOUT = (OfInt)$LAYOUT.select(groupElement("cuda_compiled"));

    /**
     * Layout for field:
     * {@snippet lang=c :
     * int32_t cuda_compiled
     * }
     */
    public static final OfInt cuda_compiled$layout() {
        return cuda_compiled$LAYOUT;
    }

    private static final long cuda_compiled$OFFSET = 420;

    /**
     * Offset for field:
     * {@snippet lang=c :
     * int32_t cuda_compiled
     * }
     */
    public static final long cuda_compiled$offset() {
        return cuda_compiled$OFFSET;
    }

    /**
     * Getter for field:
     * {@snippet lang=c :
     * int32_t cuda_compiled
     * }
     */
    public static int cuda_compiled(MemorySegment struct) {
        return struct.get(cuda_compiled$LAYOUT, cuda_compiled$OFFSET);
    }

    /**
     * Setter for field:
     * {@snippet lang=c :
     * int32_t cuda_compiled
     * }
     */
    public static void cuda_compiled(MemorySegment struct, int fieldValue) {
        struct.set(cuda_compiled$LAYOUT, cuda_compiled$OFFSET, fieldValue);
    }

    private static final OfInt cuda_available$LAYOUT = (OfInt)$LAYOUT.select(groupElement("cuda_available"));

    /**
     * Layout for field:
     * {@snippet lang=c :
     * int32_t cuda_available
     * }
     */
    public static final OfInt cuda_available$layout() {
        return cuda_available$LAYOUT;
    }

    private static final long cuda_available$OFFSET = 424;

    /**
     * Offset for field:
     * {@snippet lang=c :
     * int32_t cuda_available
     * }
     */
    public static final long cuda_available$offset() {
        return cuda_available$OFFSET;
    }

    /**
     * Getter for field:
     * {@snippet lang=c :
     * int32_t cuda_available
     * }
     */
    public static int cuda_available(MemorySegment struct) {
        return struct.get(cuda_available$LAYOUT, cuda_available$OFFSET);
    }

    /**
     * Setter for field:
     * {@snippet lang=c :
     * int32_t cuda_available
     * }
     */
    public static void cuda_available(MemorySegment struct, int fieldValue) {
        struct.set(cuda_available$LAYOUT, cuda_available$OFFSET, fieldValue);
    }

    private static final OfInt cuda_device_count$LAYOUT = (OfInt)$LAYOUT.select(groupElement("cuda_device_count"));

    /**
     * Layout for field:
     * {@snippet lang=c :
     * int32_t cuda_device_count
     * }
     */
    public static final OfInt cuda_device_count$layout() {
        return cuda_device_count$LAYOUT;
    }

    private static final long cuda_device_count$OFFSET = 428;

    /**
     * Offset for field:
     * {@snippet lang=c :
     * int32_t cuda_device_count
     * }
     */
    public static final long cuda_device_count$offset() {
        return cuda_device_count$OFFSET;
    }

    /**
     * Getter for field:
     * {@snippet lang=c :
     * int32_t cuda_device_count
     * }
     */
    public static int cuda_device_count(MemorySegment struct) {
        return struct.get(cuda_device_count$LAYOUT, cuda_device_count$OFFSET);
    }

    /**
     * Setter for field:
     * {@snippet lang=c :
     * int32_t cuda_device_count
     * }
     */
    public static void cuda_device_count(MemorySegment struct, int fieldValue) {
        struct.set(cuda_device_count$LAYOUT, cuda_device_count$OFFSET, fieldValue);
    }

    private static final OfInt cuda_kernels$LAYOUT = (OfInt)$LAYOUT.select(groupElement("cuda_kernels"));

    /**
     * Layout for field:
     * {@snippet lang=c :
     * int32_t cuda_kernels
     * }
     */
    public static final OfInt cuda_kernels$layout() {
        return cuda_kernels$LAYOUT;
    }

    private static final long cuda_kernels$OFFSET = 432;

    /**
     * Offset for field:
     * {@snippet lang=c :
     * int32_t cuda_kernels
     * }
     */
    public static final long cuda_kernels$offset() {
        return cuda_kernels$OFFSET;
    }

    /**
     * Getter for field:
     * {@snippet lang=c :
     * int32_t cuda_kernels
     * }
     */
    public static int cuda_kernels(MemorySegment struct) {
        return struct.get(cuda_kernels$LAYOUT, cuda_kernels$OFFSET);
    }

    /**
     * Setter for field:
     * {@snippet lang=c :
     * int32_t cuda_kernels
     * }
     */
    public static void cuda_kernels(MemorySegment struct, int fieldValue) {
        struct.set(cuda_kernels$LAYOUT, cuda_kernels$OFFSET, fieldValue);
    }

    private static final OfInt num_threads$LAYOUT = (OfInt)$LAYOUT.select(groupElement("num_threads"));

    /**
     * Layout for field:
     * {@snippet lang=c :
     * int32_t num_threads
     * }
     */
    public static final OfInt num_threads$layout() {
        return num_threads$LAYOUT;
    }

    private static final long num_threads$OFFSET = 436;

    /**
     * Offset for field:
     * {@snippet lang=c :
     * int32_t num_threads
     * }
     */
    public static final long num_threads$offset() {
        return num_threads$OFFSET;
    }

    /**
     * Getter for field:
     * {@snippet lang=c :
     * int32_t num_threads
     * }
     */
    public static int num_threads(MemorySegment struct) {
        return struct.get(num_threads$LAYOUT, num_threads$OFFSET);
    }

    /**
     * Setter for field:
     * {@snippet lang=c :
     * int32_t num_threads
     * }
     */
    public static void num_threads(MemorySegment struct, int fieldValue) {
        struct.set(num_threads$LAYOUT, num_threads$OFFSET, fieldValue);
    }

    private static final OfInt num_interop_threads$LAYOUT = (OfInt)$LAYOUT.select(groupElement("num_interop_threads"));

    /**
     * Layout for field:
     * {@snippet lang=c :
     * int32_t num_interop_threads
     * }
     */
    public static final OfInt num_interop_threads$layout() {
        return num_interop_threads$LAYOUT;
    }

    private static final long num_interop_threads$OFFSET = 440;

    /**
     * Offset for field:
     * {@snippet lang=c :
     * int32_t num_interop_threads
     * }
     */
    public static final long num_interop_threads$offset() {
        return num_interop_threads$OFFSET;
    }

    /**
     * Getter for field:
     * {@snippet lang=c :
     * int32_t num_interop_threads
     * }
     */
    public static int num_interop_threads(MemorySegment struct) {
        return struct.get(num_interop_threads$LAYOUT, num_interop_threads$OFFSET);
    }

    /**
     * Setter for field:
     * {@snippet lang=c :
     * int32_t num_interop_threads
     * }
     */
    public static void num_interop_threads(MemorySegment struct, int fieldValue) {
        struct.set(num_interop_threads$LAYOUT, num_interop_threads$OFFSET, fieldValue);
    }

    private static final OfInt max_threads$LAYOUT = (OfInt)$LAYOUT.select(groupElement("max_threads"));

    /**
     * Layout for field:
     * {@snippet lang=c :
     * int32_t max_threads
     * }
     */
    public static final OfInt max_threads$layout() {
        return max_threads$LAYOUT;
    }

    private static final long max_threads$OFFSET = 444;

    /**
     * Offset for field:
     * {@snippet lang=c :
     * int32_t max_threads
     * }
     */
    public static final long max_threads$offset() {
        return max_threads$OFFSET;
    }

    /**
     * Getter for field:
     * {@snippet lang=c :
     * int32_t max_threads
     * }
     */
    public static int max_threads(MemorySegment struct) {
        return struct.get(max_threads$LAYOUT, max_threads$OFFSET);
    }

    /**
     * Setter for field:
     * {@snippet lang=c :
     * int32_t max_threads
     * }
     */
    public static void max_threads(MemorySegment struct, int fieldValue) {
        struct.set(max_threads$LAYOUT, max_threads$OFFSET, fieldValue);
    }

    /**
     * Obtains a slice of {@code arrayParam} which selects the array element at {@code index}.
     * The returned segment has address {@code arrayParam.address() + index * layout().byteSize()}
     */
    public static MemorySegment asSlice(MemorySegment array, long index) {
        return array.asSlice(layout().byteSize() * index);
    }

    /**
     * The size (in bytes) of this struct
     */
    public static long sizeof() { return layout().byteSize(); }

    /**
     * Allocate a segment of size {@code layout().byteSize()} using {@code allocator}
     */
    public static MemorySegment allocate(SegmentAllocator allocator) {
        return allocator.allocate(layout());
    }

    /**
     * Allocate an array of size {@code elementCount} using {@code allocator}.
     * The returned segment has size {@code elementCount * layout().byteSize()}.
     */
    public static MemorySegment allocateArray(long elementCount, SegmentAllocator allocator) {
        return allocator.allocate(MemoryLayout.sequenceLayout(elementCount, layout()));
    }

    /**
     * Reinterprets {@code addr} using target {@code arena} and {@code cleanupAction} (if any).
     * The returned segment has size {@code layout().byteSize()}
     */
    public static MemorySegment reinterpret(MemorySegment addr, Arena arena, Consumer<MemorySegment> cleanup) {
        return reinterpret(addr, 1, arena, cleanup);
    }

    /**
     * Reinterprets {@code addr} using target {@code arena} and {@code cleanupAction} (if any).
     * The returned segment has size {@code elementCount * layout().byteSize()}
     */
    public static MemorySegment reinterpret(MemorySegment addr, long elementCount, Arena arena, Consumer<MemorySegment> cleanup) {
        return addr.reinterpret(layout().byteSize() * elementCount, arena, cleanup);
    }
}
