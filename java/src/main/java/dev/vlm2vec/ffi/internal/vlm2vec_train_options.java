// Struct binding for vlm2vec_train_options in native/include/vlm2vec.h, in the shape
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
 * struct vlm2vec_train_options {
 *     double learning_rate;
 *     double weight_decay;
 *     double max_grad_norm;
 *     double temperature;
 *     double lora_alpha;
 *     double lora_dropout;
 *     int64_t warmup_steps;
 *     int64_t total_steps;
 *     int64_t lora_rank;
 *     int64_t seed;
 *     int32_t use_dora;
 *     int32_t full;
 *     int32_t grad_cache;
 *     int32_t reserved;
 *     const char *targets;
 * }
 * }
 */
public class vlm2vec_train_options {

    vlm2vec_train_options() {
        // Should not be called directly
    }

    private static final GroupLayout $LAYOUT = MemoryLayout.structLayout(
        vlm2vec_h.C_DOUBLE.withName("learning_rate"),
        vlm2vec_h.C_DOUBLE.withName("weight_decay"),
        vlm2vec_h.C_DOUBLE.withName("max_grad_norm"),
        vlm2vec_h.C_DOUBLE.withName("temperature"),
        vlm2vec_h.C_DOUBLE.withName("lora_alpha"),
        vlm2vec_h.C_DOUBLE.withName("lora_dropout"),
        vlm2vec_h.C_LONG.withName("warmup_steps"),
        vlm2vec_h.C_LONG.withName("total_steps"),
        vlm2vec_h.C_LONG.withName("lora_rank"),
        vlm2vec_h.C_LONG.withName("seed"),
        vlm2vec_h.C_INT.withName("use_dora"),
        vlm2vec_h.C_INT.withName("full"),
        vlm2vec_h.C_INT.withName("grad_cache"),
        vlm2vec_h.C_INT.withName("reserved"),
        vlm2vec_h.C_POINTER.withName("targets")
    ).withName("vlm2vec_train_options");

    /**
     * The layout of this struct
     */
    public static final GroupLayout layout() {
        return $LAYOUT;
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

    private static final long learning_rate$OFFSET = 0;

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

    private static final OfDouble weight_decay$LAYOUT = (OfDouble)$LAYOUT.select(groupElement("weight_decay"));

    /**
     * Layout for field:
     * {@snippet lang=c :
     * double weight_decay
     * }
     */
    public static final OfDouble weight_decay$layout() {
        return weight_decay$LAYOUT;
    }

    private static final long weight_decay$OFFSET = 8;

    /**
     * Offset for field:
     * {@snippet lang=c :
     * double weight_decay
     * }
     */
    public static final long weight_decay$offset() {
        return weight_decay$OFFSET;
    }

    /**
     * Getter for field:
     * {@snippet lang=c :
     * double weight_decay
     * }
     */
    public static double weight_decay(MemorySegment struct) {
        return struct.get(weight_decay$LAYOUT, weight_decay$OFFSET);
    }

    /**
     * Setter for field:
     * {@snippet lang=c :
     * double weight_decay
     * }
     */
    public static void weight_decay(MemorySegment struct, double fieldValue) {
        struct.set(weight_decay$LAYOUT, weight_decay$OFFSET, fieldValue);
    }

    private static final OfDouble max_grad_norm$LAYOUT = (OfDouble)$LAYOUT.select(groupElement("max_grad_norm"));

    /**
     * Layout for field:
     * {@snippet lang=c :
     * double max_grad_norm
     * }
     */
    public static final OfDouble max_grad_norm$layout() {
        return max_grad_norm$LAYOUT;
    }

    private static final long max_grad_norm$OFFSET = 16;

    /**
     * Offset for field:
     * {@snippet lang=c :
     * double max_grad_norm
     * }
     */
    public static final long max_grad_norm$offset() {
        return max_grad_norm$OFFSET;
    }

    /**
     * Getter for field:
     * {@snippet lang=c :
     * double max_grad_norm
     * }
     */
    public static double max_grad_norm(MemorySegment struct) {
        return struct.get(max_grad_norm$LAYOUT, max_grad_norm$OFFSET);
    }

    /**
     * Setter for field:
     * {@snippet lang=c :
     * double max_grad_norm
     * }
     */
    public static void max_grad_norm(MemorySegment struct, double fieldValue) {
        struct.set(max_grad_norm$LAYOUT, max_grad_norm$OFFSET, fieldValue);
    }

    private static final OfDouble temperature$LAYOUT = (OfDouble)$LAYOUT.select(groupElement("temperature"));

    /**
     * Layout for field:
     * {@snippet lang=c :
     * double temperature
     * }
     */
    public static final OfDouble temperature$layout() {
        return temperature$LAYOUT;
    }

    private static final long temperature$OFFSET = 24;

    /**
     * Offset for field:
     * {@snippet lang=c :
     * double temperature
     * }
     */
    public static final long temperature$offset() {
        return temperature$OFFSET;
    }

    /**
     * Getter for field:
     * {@snippet lang=c :
     * double temperature
     * }
     */
    public static double temperature(MemorySegment struct) {
        return struct.get(temperature$LAYOUT, temperature$OFFSET);
    }

    /**
     * Setter for field:
     * {@snippet lang=c :
     * double temperature
     * }
     */
    public static void temperature(MemorySegment struct, double fieldValue) {
        struct.set(temperature$LAYOUT, temperature$OFFSET, fieldValue);
    }

    private static final OfDouble lora_alpha$LAYOUT = (OfDouble)$LAYOUT.select(groupElement("lora_alpha"));

    /**
     * Layout for field:
     * {@snippet lang=c :
     * double lora_alpha
     * }
     */
    public static final OfDouble lora_alpha$layout() {
        return lora_alpha$LAYOUT;
    }

    private static final long lora_alpha$OFFSET = 32;

    /**
     * Offset for field:
     * {@snippet lang=c :
     * double lora_alpha
     * }
     */
    public static final long lora_alpha$offset() {
        return lora_alpha$OFFSET;
    }

    /**
     * Getter for field:
     * {@snippet lang=c :
     * double lora_alpha
     * }
     */
    public static double lora_alpha(MemorySegment struct) {
        return struct.get(lora_alpha$LAYOUT, lora_alpha$OFFSET);
    }

    /**
     * Setter for field:
     * {@snippet lang=c :
     * double lora_alpha
     * }
     */
    public static void lora_alpha(MemorySegment struct, double fieldValue) {
        struct.set(lora_alpha$LAYOUT, lora_alpha$OFFSET, fieldValue);
    }

    private static final OfDouble lora_dropout$LAYOUT = (OfDouble)$LAYOUT.select(groupElement("lora_dropout"));

    /**
     * Layout for field:
     * {@snippet lang=c :
     * double lora_dropout
     * }
     */
    public static final OfDouble lora_dropout$layout() {
        return lora_dropout$LAYOUT;
    }

    private static final long lora_dropout$OFFSET = 40;

    /**
     * Offset for field:
     * {@snippet lang=c :
     * double lora_dropout
     * }
     */
    public static final long lora_dropout$offset() {
        return lora_dropout$OFFSET;
    }

    /**
     * Getter for field:
     * {@snippet lang=c :
     * double lora_dropout
     * }
     */
    public static double lora_dropout(MemorySegment struct) {
        return struct.get(lora_dropout$LAYOUT, lora_dropout$OFFSET);
    }

    /**
     * Setter for field:
     * {@snippet lang=c :
     * double lora_dropout
     * }
     */
    public static void lora_dropout(MemorySegment struct, double fieldValue) {
        struct.set(lora_dropout$LAYOUT, lora_dropout$OFFSET, fieldValue);
    }

    private static final OfLong warmup_steps$LAYOUT = (OfLong)$LAYOUT.select(groupElement("warmup_steps"));

    /**
     * Layout for field:
     * {@snippet lang=c :
     * int64_t warmup_steps
     * }
     */
    public static final OfLong warmup_steps$layout() {
        return warmup_steps$LAYOUT;
    }

    private static final long warmup_steps$OFFSET = 48;

    /**
     * Offset for field:
     * {@snippet lang=c :
     * int64_t warmup_steps
     * }
     */
    public static final long warmup_steps$offset() {
        return warmup_steps$OFFSET;
    }

    /**
     * Getter for field:
     * {@snippet lang=c :
     * int64_t warmup_steps
     * }
     */
    public static long warmup_steps(MemorySegment struct) {
        return struct.get(warmup_steps$LAYOUT, warmup_steps$OFFSET);
    }

    /**
     * Setter for field:
     * {@snippet lang=c :
     * int64_t warmup_steps
     * }
     */
    public static void warmup_steps(MemorySegment struct, long fieldValue) {
        struct.set(warmup_steps$LAYOUT, warmup_steps$OFFSET, fieldValue);
    }

    private static final OfLong total_steps$LAYOUT = (OfLong)$LAYOUT.select(groupElement("total_steps"));

    /**
     * Layout for field:
     * {@snippet lang=c :
     * int64_t total_steps
     * }
     */
    public static final OfLong total_steps$layout() {
        return total_steps$LAYOUT;
    }

    private static final long total_steps$OFFSET = 56;

    /**
     * Offset for field:
     * {@snippet lang=c :
     * int64_t total_steps
     * }
     */
    public static final long total_steps$offset() {
        return total_steps$OFFSET;
    }

    /**
     * Getter for field:
     * {@snippet lang=c :
     * int64_t total_steps
     * }
     */
    public static long total_steps(MemorySegment struct) {
        return struct.get(total_steps$LAYOUT, total_steps$OFFSET);
    }

    /**
     * Setter for field:
     * {@snippet lang=c :
     * int64_t total_steps
     * }
     */
    public static void total_steps(MemorySegment struct, long fieldValue) {
        struct.set(total_steps$LAYOUT, total_steps$OFFSET, fieldValue);
    }

    private static final OfLong lora_rank$LAYOUT = (OfLong)$LAYOUT.select(groupElement("lora_rank"));

    /**
     * Layout for field:
     * {@snippet lang=c :
     * int64_t lora_rank
     * }
     */
    public static final OfLong lora_rank$layout() {
        return lora_rank$LAYOUT;
    }

    private static final long lora_rank$OFFSET = 64;

    /**
     * Offset for field:
     * {@snippet lang=c :
     * int64_t lora_rank
     * }
     */
    public static final long lora_rank$offset() {
        return lora_rank$OFFSET;
    }

    /**
     * Getter for field:
     * {@snippet lang=c :
     * int64_t lora_rank
     * }
     */
    public static long lora_rank(MemorySegment struct) {
        return struct.get(lora_rank$LAYOUT, lora_rank$OFFSET);
    }

    /**
     * Setter for field:
     * {@snippet lang=c :
     * int64_t lora_rank
     * }
     */
    public static void lora_rank(MemorySegment struct, long fieldValue) {
        struct.set(lora_rank$LAYOUT, lora_rank$OFFSET, fieldValue);
    }

    private static final OfLong seed$LAYOUT = (OfLong)$LAYOUT.select(groupElement("seed"));

    /**
     * Layout for field:
     * {@snippet lang=c :
     * int64_t seed
     * }
     */
    public static final OfLong seed$layout() {
        return seed$LAYOUT;
    }

    private static final long seed$OFFSET = 72;

    /**
     * Offset for field:
     * {@snippet lang=c :
     * int64_t seed
     * }
     */
    public static final long seed$offset() {
        return seed$OFFSET;
    }

    /**
     * Getter for field:
     * {@snippet lang=c :
     * int64_t seed
     * }
     */
    public static long seed(MemorySegment struct) {
        return struct.get(seed$LAYOUT, seed$OFFSET);
    }

    /**
     * Setter for field:
     * {@snippet lang=c :
     * int64_t seed
     * }
     */
    public static void seed(MemorySegment struct, long fieldValue) {
        struct.set(seed$LAYOUT, seed$OFFSET, fieldValue);
    }

    private static final OfInt use_dora$LAYOUT = (OfInt)$LAYOUT.select(groupElement("use_dora"));

    /**
     * Layout for field:
     * {@snippet lang=c :
     * int32_t use_dora
     * }
     */
    public static final OfInt use_dora$layout() {
        return use_dora$LAYOUT;
    }

    private static final long use_dora$OFFSET = 80;

    /**
     * Offset for field:
     * {@snippet lang=c :
     * int32_t use_dora
     * }
     */
    public static final long use_dora$offset() {
        return use_dora$OFFSET;
    }

    /**
     * Getter for field:
     * {@snippet lang=c :
     * int32_t use_dora
     * }
     */
    public static int use_dora(MemorySegment struct) {
        return struct.get(use_dora$LAYOUT, use_dora$OFFSET);
    }

    /**
     * Setter for field:
     * {@snippet lang=c :
     * int32_t use_dora
     * }
     */
    public static void use_dora(MemorySegment struct, int fieldValue) {
        struct.set(use_dora$LAYOUT, use_dora$OFFSET, fieldValue);
    }

    private static final OfInt full$LAYOUT = (OfInt)$LAYOUT.select(groupElement("full"));

    /**
     * Layout for field:
     * {@snippet lang=c :
     * int32_t full
     * }
     */
    public static final OfInt full$layout() {
        return full$LAYOUT;
    }

    private static final long full$OFFSET = 84;

    /**
     * Offset for field:
     * {@snippet lang=c :
     * int32_t full
     * }
     */
    public static final long full$offset() {
        return full$OFFSET;
    }

    /**
     * Getter for field:
     * {@snippet lang=c :
     * int32_t full
     * }
     */
    public static int full(MemorySegment struct) {
        return struct.get(full$LAYOUT, full$OFFSET);
    }

    /**
     * Setter for field:
     * {@snippet lang=c :
     * int32_t full
     * }
     */
    public static void full(MemorySegment struct, int fieldValue) {
        struct.set(full$LAYOUT, full$OFFSET, fieldValue);
    }

    private static final OfInt grad_cache$LAYOUT = (OfInt)$LAYOUT.select(groupElement("grad_cache"));

    /**
     * Layout for field:
     * {@snippet lang=c :
     * int32_t grad_cache
     * }
     */
    public static final OfInt grad_cache$layout() {
        return grad_cache$LAYOUT;
    }

    private static final long grad_cache$OFFSET = 88;

    /**
     * Offset for field:
     * {@snippet lang=c :
     * int32_t grad_cache
     * }
     */
    public static final long grad_cache$offset() {
        return grad_cache$OFFSET;
    }

    /**
     * Getter for field:
     * {@snippet lang=c :
     * int32_t grad_cache
     * }
     */
    public static int grad_cache(MemorySegment struct) {
        return struct.get(grad_cache$LAYOUT, grad_cache$OFFSET);
    }

    /**
     * Setter for field:
     * {@snippet lang=c :
     * int32_t grad_cache
     * }
     */
    public static void grad_cache(MemorySegment struct, int fieldValue) {
        struct.set(grad_cache$LAYOUT, grad_cache$OFFSET, fieldValue);
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

    private static final long reserved$OFFSET = 92;

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

    private static final AddressLayout targets$LAYOUT = (AddressLayout)$LAYOUT.select(groupElement("targets"));

    /**
     * Layout for field:
     * {@snippet lang=c :
     * const char *targets
     * }
     */
    public static final AddressLayout targets$layout() {
        return targets$LAYOUT;
    }

    private static final long targets$OFFSET = 96;

    /**
     * Offset for field:
     * {@snippet lang=c :
     * const char *targets
     * }
     */
    public static final long targets$offset() {
        return targets$OFFSET;
    }

    /**
     * Getter for field:
     * {@snippet lang=c :
     * const char *targets
     * }
     */
    public static MemorySegment targets(MemorySegment struct) {
        return struct.get(targets$LAYOUT, targets$OFFSET);
    }

    /**
     * Setter for field:
     * {@snippet lang=c :
     * const char *targets
     * }
     */
    public static void targets(MemorySegment struct, MemorySegment fieldValue) {
        struct.set(targets$LAYOUT, targets$OFFSET, fieldValue);
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
