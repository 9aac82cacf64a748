// Struct binding for vlm2vec_train_stats in native/include/vlm2vec.h, in the shape
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
 * struct vlm2vec_train_stats {
 *     int64_t step;
 *     double loss;
 *     double grad_norm;
 *     double learning_rate;
 *     double accuracy;
 * }
 * }
 */
public class vlm2vec_train_stats {

    vlm2vec_train_stats() {
        // Should not be called directly
    }

    private static final GroupLayout $LAYOUT = MemoryLayout.structLayout(
        vlm2vec_h.C_LONG.withName("step"),
        vlm2vec_h.C_DOUBLE.withName("loss"),
        vlm2vec_h.C_DOUBLE.withName("grad_norm"),
        vlm2vec_h.C_DOUBLE.withName("learning_rate"),
        vlm2vec_h.C_DOUBLE.withName("accuracy")
    ).withName("vlm2vec_train_stats");

    /**
     * The layout of this struct
     */
    public static final GroupLayout layout() {
        return $LAYOUT;
    }

    private static final OfLong step$LAYOUT = (OfLong)$LAYOUT.select(groupElement("step"));

    /**
     * Layout for field:
     * {@snippet lang=c :
     * int64_t step
     * }
     */
    public static final OfLong step$layout() {
        return step$LAYOUT;
    }

    private static final long step$OFFSET = 0;

    /**
     * Offset for field:
     * {@snippet lang=c :
     * int64_t step
     * }
     */
    public static final long step$offset() {
        return step$OFFSET;
    }

    /**
     * Getter for field:
     * {@snippet lang=c :
     * int64_t step
     * }
     */
    public static long step(MemorySegment struct) {
        return struct.get(step$LAYOUT, step$OFFSET);
    }

    /**
     * Setter for field:
     * {@snippet lang=c :
     * int64_t step
     * }
     */
    public static void step(MemorySegment struct, long fieldValue) {
        struct.set(step$LAYOUT, step$OFFSET, fieldValue);
    }

    private static final OfDouble loss$LAYOUT = (OfDouble)$LAYOUT.select(groupElement("loss"));

    /**
     * Layout for field:
     * {@snippet lang=c :
     * double loss
     * }
     */
    public static final OfDouble loss$layout() {
        return loss$LAYOUT;
    }

    private static final long loss$OFFSET = 8;

    /**
     * Offset for field:
     * {@snippet lang=c :
     * double loss
     * }
     */
    public static final long loss$offset() {
        return loss$OFFSET;
    }

    /**
     * Getter for field:
     * {@snippet lang=c :
     * double loss
     * }
     */
    public static double loss(MemorySegment struct) {
        return struct.get(loss$LAYOUT, loss$OFFSET);
    }

    /**
     * Setter for field:
     * {@snippet lang=c :
     * double loss
     * }
     */
    public static void loss(MemorySegment struct, double fieldValue) {
        struct.set(loss$LAYOUT, loss$OFFSET, fieldValue);
    }

    private static final OfDouble grad_norm$LAYOUT = (OfDouble)$LAYOUT.select(groupElement("grad_norm"));

    /**
     * Layout for field:
     * {@snippet lang=c :
     * double grad_norm
     * }
     */
    public static final OfDouble grad_norm$layout() {
        return grad_norm$LAYOUT;
    }

    private static final long grad_norm$OFFSET = 16;

    /**
     * Offset for field:
     * {@snippet lang=c :
     * double grad_norm
     * }
     */
    public static final long grad_norm$offset() {
        return grad_norm$OFFSET;
    }

    /**
     * Getter for field:
     * {@snippet lang=c :
     * double grad_norm
     * }
     */
    public static double grad_norm(MemorySegment struct) {
        return struct.get(grad_norm$LAYOUT, grad_norm$OFFSET);
    }

    /**
     * Setter for field:
     * {@snippet lang=c :
     * double grad_norm
     * }
     */
    public static void grad_norm(MemorySegment struct, double fieldValue) {
        struct.set(grad_norm$LAYOUT, grad_norm$OFFSET, fieldValue);
    }

    private static final OfDouble learning_rate$LAYOUT = (OfDouble)$LAYOUT.select(groupElement("learning_rate"));

    /**
     * Layout for field:
     * {@snippet lang=c :
     * double learning_rate
     * }
     */
    public static final OfDouble learning_rate$layout() {
        return learning_rate$LAYOUT;
    }

    private static final long learning_rate$OFFSET = 24;

    /**
     * Offset for field:
     * {@snippet lang=c :
     * double learning_rate
     * }
     */
    public static final long learning_rate$offset() {
        return learning_rate$OFFSET;
    }

    /**
     * Getter for field:
     * {@snippet lang=c :
     * double learning_rate
     * }
     */
    public static double learning_rate(MemorySegment struct) {
        return struct.get(learning_rate$LAYOUT, learning_rate$OFFSET);
    }

    /**
     * Setter for field:
     * {@snippet lang=c :
     * double learning_rate
     * }
     */
    public static void learning_rate(MemorySegment struct, double fieldValue) {
        struct.set(learning_rate$LAYOUT, learning_rate$OFFSET, fieldValue);
    }

    private static final OfDouble accuracy$LAYOUT = (OfDouble)$LAYOUT.select(groupElement("accuracy"));

    /**
     * Layout for field:
     * {@snippet lang=c :
     * double accuracy
     * }
     */
    public static final OfDouble accuracy$layout() {
        return accuracy$LAYOUT;
    }

    private static final long accuracy$OFFSET = 32;

    /**
     * Offset for field:
     * {@snippet lang=c :
     * double accuracy
     * }
     */
    public static final long accuracy$offset() {
        return accuracy$OFFSET;
    }

    /**
     * Getter for field:
     * {@snippet lang=c :
     * double accuracy
     * }
     */
    public static double accuracy(MemorySegment struct) {
        return struct.get(accuracy$LAYOUT, accuracy$OFFSET);
    }

    /**
     * Setter for field:
     * {@snippet lang=c :
     * double accuracy
     * }
     */
    public static void accuracy(MemorySegment struct, double fieldValue) {
        struct.set(accuracy$LAYOUT, accuracy$OFFSET, fieldValue);
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
