// Struct binding for vlm2vec_model_info in native/include/vlm2vec.h, in the shape
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
 * struct vlm2vec_model_info {
 *     char architecture[32];
 *     char device[32];
 *     int32_t dtype;
 *     int32_t reserved;
 *     int64_t hidden_size;
 *     int64_t num_layers;
 *     int64_t image_size;
 *     int64_t max_crops;
 *     int64_t parameter_count;
 * }
 * }
 */
public class vlm2vec_model_info {

    vlm2vec_model_info() {
        // Should not be called directly
    }

    private static final GroupLayout $LAYOUT = MemoryLayout.structLayout(
        MemoryLayout.sequenceLayout(32, vlm2vec_h.C_CHAR).withName("architecture"),
        MemoryLayout.sequenceLayout(32, vlm2vec_h.C_CHAR).withName("device"),
        vlm2vec_h.C_INT.withName("dtype"),
        vlm2vec_h.C_INT.withName("reserved"),
        vlm2vec_h.C_LONG.withName("hidden_size"),
        vlm2vec_h.C_LONG.withName("num_layers"),
        vlm2vec_h.C_LONG.withName("image_size"),
        vlm2vec_h.C_LONG.withName("max_crops"),
        vlm2vec_h.C_LONG.withName("parameter_count")
    ).withName("vlm2vec_model_info");

    /**
     * The layout of this struct
     */
    public static final GroupLayout layout() {
        return $LAYOUT;
    }

    private static final SequenceLayout architecture$LAYOUT = (SequenceLayout)$LAYOUT.select(groupElement("architecture"));

    /**
     * Layout for field:
     * {@snippet lang=c :
     * char architecture[32]
     * }
     */
    public static final SequenceLayout architecture$layout() {
        return architecture$LAYOUT;
    }

    private static final long architecture$OFFSET = 0;

    /**
     * Offset for field:
     * {@snippet lang=c :
     * char architecture[32]
     * }
     */
    public static final long architecture$offset() {
        return architecture$OFFSET;
    }

    /**
     * Getter for field:
     * {@snippet lang=c :
     * char architecture[32]
     * }
     */
    public static MemorySegment architecture(MemorySegment struct) {
        return struct.asSlice(architecture$OFFSET, architecture$LAYOUT.byteSize());
    }

    /**
     * Setter for field:
     * {@snippet lang=c :
     * char architecture[32]
     * }
     */
    public static void architecture(MemorySegment struct, MemorySegment fieldValue) {
        MemorySegment.copy(fieldValue, 0L, struct, architecture$OFFSET, architecture$LAYOUT.byteSize());
    }

    private static long[] architecture$DIMS = { 32 };

    /**
     * Dimensions for array field:
     * {@snippet lang=c :
     * char architecture[32]
     * }
     */
    public static long[] architecture$dimensions() {
        return architecture$DIMS;
    }
    private static final VarHandle architecture$ELEM_HANDLE = architecture$LAYOUT.varHandle(sequenceElement());

    /**
     * Indexed getter for field:
     * {@snippet lang=c :
     * char architecture[32]
     * }
     */
    public static byte architecture(MemorySegment struct, long index0) {
        return (byte)architecture$ELEM_HANDLE.get(struct, 0L, index0);
    }

    /**
     * Indexed setter for field:
     * {@snippet lang=c :
     * char architecture[32]
     * }
     */
    public static void architecture(MemorySegment struct, long index0, byte fieldValue) {
        architecture$ELEM_HANDLE.set(struct, 0L, index0, fieldValue);
    }

    private static final SequenceLayout device$LAYOUT = (SequenceLayout)$LAYOUT.select(groupElement("device"));

    /**
     * Layout for field:
     * {@snippet lang=c :
     * char device[32]
     * }
     */
    public static final SequenceLayout device$layout() {
        return device$LAYOUT;
    }

    private static final long device$OFFSET = 32;

    /**
     * Offset for field:
     * {@snippet lang=c :
     * char device[32]
     * }
     */
    public static final long device$offset() {
        return device$OFFSET;
    }

    /**
     * Getter for field:
     * {@snippet lang=c :
     * char device[32]
     * }
     */
    public static MemorySegment device(MemorySegment struct) {
        return struct.asSlice(device$OFFSET, device$LAYOUT.byteSize());
    }

    /**
     * Setter for field:
     * {@snippet lang=c :
     * char device[32]
     * }
     */
    public static void device(MemorySegment struct, MemorySegment fieldValue) {
        MemorySegment.copy(fieldValue, 0L, struct, device$OFFSET, device$LAYOUT.byteSize());
    }

    private static long[] device$DIMS = { 32 };

    /**
     * Dimensions for array field:
     * {@snippet lang=c :
     * char device[32]
     * }
     */
    public static long[] device$dimensions() {
        return device$DIMS;
    }
    private static final VarHandle device$ELEM_HANDLE = device$LAYOUT.varHandle(sequenceElement());

    /**
     * Indexed getter for field:
     * {@snippet lang=c :
     * char device[32]
     * }
     */
    public static byte device(MemorySegment struct, long index0) {
        return (byte)device$ELEM_HANDLE.get(struct, 0L, index0);
    }

    /**
     * Indexed setter for field:
     * {@snippet lang=c :
     * char device[32]
     * }
     */
    public static void device(MemorySegment struct, long index0, byte fieldValue) {
        device$ELEM_HANDLE.set(struct, 0L, index0, fieldValue);
    }

    private static final OfInt dtype$LAYOUT = (OfInt)$LAYOUT.select(groupElement("dtype"));

    /**
     * Layout for field:
     * {@snippet lang=c :
     * int32_t dtype
     * }
     */
    public static final OfInt dtype$layout() {
        return dtype$LAYOUT;
    }

    private static final long dtype$OFFSET = 64;

    /**
     * Offset for field:
     * {@snippet lang=c :
     * int32_t dtype
     * }
     */
    public static final long dtype$offset() {
        return dtype$OFFSET;
    }

    /**
     * Getter for field:
     * {@snippet lang=c :
     * int32_t dtype
     * }
     */
    public static int dtype(MemorySegment struct) {
        return struct.get(dtype$LAYOUT, dtype$OFFSET);
    }

    /**
     * Setter for field:
     * {@snippet lang=c :
     * int32_t dtype
     * }
     */
    public static void dtype(MemorySegment struct, int fieldValue) {
        struct.set(dtype$LAYOUT, dtype$OFFSET, fieldValue);
    }

    private static final OfInt reserved$LAYOUT = (OfInt)$LAYOUT.select(groupElement("reserved"));

    /**
     * Layout for field:
     * {@snippet lang=c :
     * int32_t reserved
     * }
     */
    public static final OfInt reserved$layout() {
        return reserved$LAYOUT;
    }

    private static final long reserved$OFFSET = 68;

    /**
     * Offset for field:
     * {@snippet lang=c :
     * int32_t reserved
     * }
     */
    public static final long reserved$offset() {
        return reserved$OFFSET;
    }

    /**
     * Getter for field:
     * {@snippet lang=c :
     * int32_t reserved
     * }
     */
    public static int reserved(MemorySegment struct) {
        return struct.get(reserved$LAYOUT, reserved$OFFSET);
    }

    /**
     * Setter for field:
     * {@snippet lang=c :
     * int32_t reserved
     * }
     */
    public static void reserved(MemorySegment struct, int fieldValue) {
        struct.set(reserved$LAYOUT, reserved$OFFSET, fieldValue);
    }

    private static final OfLong hidden_size$LAYOUT = (OfLong)$LAYOUT.select(groupElement("hidden_size"));

    /**
     * Layout for field:
     * {@snippet lang=c :
     * int64_t hidden_size
     * }
     */
    public static final OfLong hidden_size$layout() {
        return hidden_size$LAYOUT;
    }

    private static final long hidden_size$OFFSET = 72;

    /**
     * Offset for field:
     * {@snippet lang=c :
     * int64_t hidden_size
     * }
     */
    public static final long hidden_size$offset() {
        return hidden_size$OFFSET;
    }

    /**
     * Getter for field:
     * {@snippet lang=c :
     * int64_t hidden_size
     * }
     */
    public static long hidden_size(MemorySegment struct) {
        return struct.get(hidden_size$LAYOUT, hidden_size$OFFSET);
    }

    /**
     * Setter for field:
     * {@snippet lang=c :
     * int64_t hidden_size
     * }
     */
    public static void hidden_size(MemorySegment struct, long fieldValue) {
        struct.set(hidden_size$LAYOUT, hidden_size$OFFSET, fieldValue);
    }

    private static final OfLong num_layers$LAYOUT = (OfLong)$LAYOUT.select(groupElement("num_layers"));

    /**
     * Layout for field:
     * {@snippet lang=c :
     * int64_t num_layers
     * }
     */
    public static final OfLong num_layers$layout() {
        return num_layers$LAYOUT;
    }

    private static final long num_layers$OFFSET = 80;

    /**
     * Offset for field:
     * {@snippet lang=c :
     * int64_t num_layers
     * }
     */
    public static final long num_layers$offset() {
        return num_layers$OFFSET;
    }

    /**
     * Getter for field:
     * {@snippet lang=c :
     * int64_t num_layers
     * }
     */
    public static long num_layers(MemorySegment struct) {
        return struct.get(num_layers$LAYOUT, num_layers$OFFSET);
    }

    /**
     * Setter for field:
     * {@snippet lang=c :
     * int64_t num_layers
     * }
     */
    public static void num_layers(MemorySegment struct, long fieldValue) {
        struct.set(num_layers$LAYOUT, num_layers$OFFSET, fieldValue);
    }

    private static final OfLong image_size$LAYOUT = (OfLong)$LAYOUT.select(groupElement("image_size"));

    /**
     * Layout for field:
     * {@snippet lang=c :
     * int64_t image_size
     * }
     */
    public static final OfLong image_size$layout() {
        return image_size$LAYOUT;
    }

    private static final long image_size$OFFSET = 88;

    /**
     * Offset for field:
     * {@snippet lang=c :
     * int64_t image_size
     * }
     */
    public static final long image_size$offset() {
        return image_size$OFFSET;
    }

    /**
     * Getter for field:
     * {@snippet lang=c :
     * int64_t image_size
     * }
     */
    public static long image_size(MemorySegment struct) {
        return struct.get(image_size$LAYOUT, image_size$OFFSET);
    }

    /**
     * Setter for field:
     * {@snippet lang=c :
     * int64_t image_size
     * }
     */
    public static void image_size(MemorySegment struct, long fieldValue) {
        struct.set(image_size$LAYOUT, image_size$OFFSET, fieldValue);
    }

    private static final OfLong max_crops$LAYOUT = (OfLong)$LAYOUT.select(groupElement("max_crops"));

    /**
     * Layout for field:
     * {@snippet lang=c :
     * int64_t max_crops
     * }
     */
    public static final OfLong max_crops$layout() {
        return max_crops$LAYOUT;
    }

    private static final long max_crops$OFFSET = 96;

    /**
     * Offset for field:
     * {@snippet lang=c :
     * int64_t max_crops
     * }
     */
    public static final long max_crops$offset() {
        return max_crops$OFFSET;
    }

    /**
     * Getter for field:
     * {@snippet lang=c :
     * int64_t max_crops
     * }
     */
    public static long max_crops(MemorySegment struct) {
        return struct.get(max_crops$LAYOUT, max_crops$OFFSET);
    }

    /**
     * Setter for field:
     * {@snippet lang=c :
     * int64_t max_crops
     * }
     */
    public static void max_crops(MemorySegment struct, long fieldValue) {
        struct.set(max_crops$LAYOUT, max_crops$OFFSET, fieldValue);
    }

    private static final OfLong parameter_count$LAYOUT = (OfLong)$LAYOUT.select(groupElement("parameter_count"));

    /**
     * Layout for field:
     * {@snippet lang=c :
     * int64_t parameter_count
     * }
     */
    public static final OfLong parameter_count$layout() {
        return parameter_count$LAYOUT;
    }

    private static final long parameter_count$OFFSET = 104;

    /**
     * Offset for field:
     * {@snippet lang=c :
     * int64_t parameter_count
     * }
     */
    public static final long parameter_count$offset() {
        return parameter_count$OFFSET;
    }

    /**
     * Getter for field:
     * {@snippet lang=c :
     * int64_t parameter_count
     * }
     */
    public static long parameter_count(MemorySegment struct) {
        return struct.get(parameter_count$LAYOUT, parameter_count$OFFSET);
    }

    /**
     * Setter for field:
     * {@snippet lang=c :
     * int64_t parameter_count
     * }
     */
    public static void parameter_count(MemorySegment struct, long fieldValue) {
        struct.set(parameter_count$LAYOUT, parameter_count$OFFSET, fieldValue);
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
