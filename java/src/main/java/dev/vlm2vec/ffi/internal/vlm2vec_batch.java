// Struct binding for vlm2vec_batch in native/include/vlm2vec.h, in the shape
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
 * struct vlm2vec_batch {
 *     int64_t batch_size;
 *     int64_t seq_len;
 *     const int64_t *input_ids;
 *     const int64_t *attention_mask;
 *     int64_t num_images;
 *     int64_t crops_per_image;
 *     int64_t channels;
 *     int64_t crop_height;
 *     int64_t crop_width;
 *     const float *pixel_values;
 *     const int64_t *image_sizes;
 * }
 * }
 */
public class vlm2vec_batch {

    vlm2vec_batch() {
        // Should not be called directly
    }

    private static final GroupLayout $LAYOUT = MemoryLayout.structLayout(
        vlm2vec_h.C_LONG.withName("batch_size"),
        vlm2vec_h.C_LONG.withName("seq_len"),
        vlm2vec_h.C_POINTER.withName("input_ids"),
        vlm2vec_h.C_POINTER.withName("attention_mask"),
        vlm2vec_h.C_LONG.withName("num_images"),
        vlm2vec_h.C_LONG.withName("crops_per_image"),
        vlm2vec_h.C_LONG.withName("channels"),
        vlm2vec_h.C_LONG.withName("crop_height"),
        vlm2vec_h.C_LONG.withName("crop_width"),
        vlm2vec_h.C_POINTER.withName("pixel_values"),
        vlm2vec_h.C_POINTER.withName("image_sizes")
    ).withName("vlm2vec_batch");

    /**
     * The layout of this struct
     */
    public static final GroupLayout layout() {
        return $LAYOUT;
    }

    private static final OfLong batch_size$LAYOUT = (OfLong)$LAYOUT.select(groupElement("batch_size"));

    /**
     * Layout for field:
     * {@snippet lang=c :
     * int64_t batch_size
     * }
     */
    public static final OfLong batch_size$layout() {
        return batch_size$LAYOUT;
    }

    private static final long batch_size$OFFSET = 0;

    /**
     * Offset for field:
     * {@snippet lang=c :
     * int64_t batch_size
     * }
     */
    public static final long batch_size$offset() {
        return batch_size$OFFSET;
    }

    /**
     * Getter for field:
     * {@snippet lang=c :
     * int64_t batch_size
     * }
     */
    public static long batch_size(MemorySegment struct) {
        return struct.get(batch_size$LAYOUT, batch_size$OFFSET);
    }

    /**
     * Setter for field:
     * {@snippet lang=c :
     * int64_t batch_size
     * }
     */
    public static void batch_size(MemorySegment struct, long fieldValue) {
        struct.set(batch_size$LAYOUT, batch_size$OFFSET, fieldValue);
    }

    private static final OfLong seq_len$LAYOUT = (OfLong)$LAYOUT.select(groupElement("seq_len"));

    /**
     * Layout for field:
     * {@snippet lang=c :
     * int64_t seq_len
     * }
     */
    public static final OfLong seq_len$layout() {
        return seq_len$LAYOUT;
    }

    private static final long seq_len$OFFSET = 8;

    /**
     * Offset for field:
     * {@snippet lang=c :
     * int64_t seq_len
     * }
     */
    public static final long seq_len$offset() {
        return seq_len$OFFSET;
    }

    /**
     * Getter for field:
     * {@snippet lang=c :
     * int64_t seq_len
     * }
     */
    public static long seq_len(MemorySegment struct) {
        return struct.get(seq_len$LAYOUT, seq_len$OFFSET);
    }

    /**
     * Setter for field:
     * {@snippet lang=c :
     * int64_t seq_len
     * }
     */
    public static void seq_len(MemorySegment struct, long fieldValue) {
        struct.set(seq_len$LAYOUT, seq_len$OFFSET, fieldValue);
    }

    private static final AddressLayout input_ids$LAYOUT = (AddressLayout)$LAYOUT.select(groupElement("input_ids"));

    /**
     * Layout for field:
     * {@snippet lang=c :
     * const int64_t *input_ids
     * }
     */
    public static final AddressLayout input_ids$layout() {
        return input_ids$LAYOUT;
    }

    private static final long input_ids$OFFSET = 16;

    /**
     * Offset for field:
     * {@snippet lang=c :
     * const int64_t *input_ids
     * }
     */
    public static final long input_ids$offset() {
        return input_ids$OFFSET;
    }

    /**
     * Getter for field:
     * {@snippet lang=c :
     * const int64_t *input_ids
     * }
     */
    public static MemorySegment input_ids(MemorySegment struct) {
        return struct.get(input_ids$LAYOUT, input_ids$OFFSET);
    }

    /**
     * Setter for field:
     * {@snippet lang=c :
     * const int64_t *input_ids
     * }
     */
    public static void input_ids(MemorySegment struct, MemorySegment fieldValue) {
        struct.set(input_ids$LAYOUT, input_ids$OFFSET, fieldValue);
    }

    private static final AddressLayout attention_mask$LAYOUT = (AddressLayout)$LAYOUT.select(groupElement("attention_mask"));

    /**
     * Layout for field:
     * {@snippet lang=c :
     * const int64_t *attention_mask
     * }
     */
    public static final AddressLayout attention_mask$layout() {
        return attention_mask$LAYOUT;
    }

    private static final long attention_mask$OFFSET = 24;

    /**
     * Offset for field:
     * {@snippet lang=c :
     * const int64_t *attention_mask
     * }
     */
    public static final long attention_mask$offset() {
        return attention_mask$OFFSET;
    }

    /**
     * Getter for field:
     * {@snippet lang=c :
     * const int64_t *attention_mask
     * }
     */
    public static MemorySegment attention_mask(MemorySegment struct) {
        return struct.get(attention_mask$LAYOUT, attention_mask$OFFSET);
    }

    /**
     * Setter for field:
     * {@snippet lang=c :
     * const int64_t *attention_mask
     * }
     */
    public static void attention_mask(MemorySegment struct, MemorySegment fieldValue) {
        struct.set(attention_mask$LAYOUT, attention_mask$OFFSET, fieldValue);
    }

    private static final OfLong num_images$LAYOUT = (OfLong)$LAYOUT.select(groupElement("num_images"));

    /**
     * Layout for field:
     * {@snippet lang=c :
     * int64_t num_images
     * }
     */
    public static final OfLong num_images$layout() {
        return num_images$LAYOUT;
    }

    private static final long num_images$OFFSET = 32;

    /**
     * Offset for field:
     * {@snippet lang=c :
     * int64_t num_images
     * }
     */
    public static final long num_images$offset() {
        return num_images$OFFSET;
    }

    /**
     * Getter for field:
     * {@snippet lang=c :
     * int64_t num_images
     * }
     */
    public static long num_images(MemorySegment struct) {
        return struct.get(num_images$LAYOUT, num_images$OFFSET);
    }

    /**
     * Setter for field:
     * {@snippet lang=c :
     * int64_t num_images
     * }
     */
    public static void num_images(MemorySegment struct, long fieldValue) {
        struct.set(num_images$LAYOUT, num_images$OFFSET, fieldValue);
    }

    private static final OfLong crops_per_image$LAYOUT = (OfLong)$LAYOUT.select(groupElement("crops_per_image"));

    /**
     * Layout for field:
     * {@snippet lang=c :
     * int64_t crops_per_image
     * }
     */
    public static final OfLong crops_per_image$layout() {
        return crops_per_image$LAYOUT;
    }

    private static final long crops_per_image$OFFSET = 40;

    /**
     * Offset for field:
     * {@snippet lang=c :
     * int64_t crops_per_image
     * }
     */
    public static final long crops_per_image$offset() {
        return crops_per_image$OFFSET;
    }

    /**
     * Getter for field:
     * {@snippet lang=c :
     * int64_t crops_per_image
     * }
     */
    public static long crops_per_image(MemorySegment struct) {
        return struct.get(crops_per_image$LAYOUT, crops_per_image$OFFSET);
    }

    /**
     * Setter for field:
     * {@snippet lang=c :
     * int64_t crops_per_image
     * }
     */
    public static void crops_per_image(MemorySegment struct, long fieldValue) {
        struct.set(crops_per_image$LAYOUT, crops_per_image$OFFSET, fieldValue);
    }

    private static final OfLong channels$LAYOUT = (OfLong)$LAYOUT.select(groupElement("channels"));

    /**
     * Layout for field:
     * {@snippet lang=c :
     * int64_t channels
     * }
     */
    public static final OfLong channels$layout() {
        return channels$LAYOUT;
    }

    private static final long channels$OFFSET = 48;

    /**
     * Offset for field:
     * {@snippet lang=c :
     * int64_t channels
     * }
     */
    public static final long channels$offset() {
        return channels$OFFSET;
    }

    /**
     * Getter for field:
     * {@snippet lang=c :
     * int64_t channels
     * }
     */
    public static long channels(MemorySegment struct) {
        return struct.get(channels$LAYOUT, channels$OFFSET);
    }

    /**
     * Setter for field:
     * {@snippet lang=c :
     * int64_t channels
     * }
     */
    public static void channels(MemorySegment struct, long fieldValue) {
        struct.set(channels$LAYOUT, channels$OFFSET, fieldValue);
    }

    private static final OfLong crop_height$LAYOUT = (OfLong)$LAYOUT.select(groupElement("crop_height"));

    /**
     * Layout for field:
     * {@snippet lang=c :
     * int64_t crop_height
     * }
     */
    public static final OfLong crop_height$layout() {
        return crop_height$LAYOUT;
    }

    private static final long crop_height$OFFSET = 56;

    /**
     * Offset for field:
     * {@snippet lang=c :
     * int64_t crop_height
     * }
     */
    public static final long crop_height$offset() {
        return crop_height$OFFSET;
    }

    /**
     * Getter for field:
     * {@snippet lang=c :
     * int64_t crop_height
     * }
     */
    public static long crop_height(MemorySegment struct) {
        return struct.get(crop_height$LAYOUT, crop_height$OFFSET);
    }

    /**
     * Setter for field:
     * {@snippet lang=c :
     * int64_t crop_height
     * }
     */
    public static void crop_height(MemorySegment struct, long fieldValue) {
        struct.set(crop_height$LAYOUT, crop_height$OFFSET, fieldValue);
    }

    private static final OfLong crop_width$LAYOUT = (OfLong)$LAYOUT.select(groupElement("crop_width"));

    /**
     * Layout for field:
     * {@snippet lang=c :
     * int64_t crop_width
     * }
     */
    public static final OfLong crop_width$layout() {
        return crop_width$LAYOUT;
    }

    private static final long crop_width$OFFSET = 64;

    /**
     * Offset for field:
     * {@snippet lang=c :
     * int64_t crop_width
     * }
     */
    public static final long crop_width$offset() {
        return crop_width$OFFSET;
    }

    /**
     * Getter for field:
     * {@snippet lang=c :
     * int64_t crop_width
     * }
     */
    public static long crop_width(MemorySegment struct) {
        return struct.get(crop_width$LAYOUT, crop_width$OFFSET);
    }

    /**
     * Setter for field:
     * {@snippet lang=c :
     * int64_t crop_width
     * }
     */
    public static void crop_width(MemorySegment struct, long fieldValue) {
        struct.set(crop_width$LAYOUT, crop_width$OFFSET, fieldValue);
    }

    private static final AddressLayout pixel_values$LAYOUT = (AddressLayout)$LAYOUT.select(groupElement("pixel_values"));

    /**
     * Layout for field:
     * {@snippet lang=c :
     * const float *pixel_values
     * }
     */
    public static final AddressLayout pixel_values$layout() {
        return pixel_values$LAYOUT;
    }

    private static final long pixel_values$OFFSET = 72;

    /**
     * Offset for field:
     * {@snippet lang=c :
     * const float *pixel_values
     * }
     */
    public static final long pixel_values$offset() {
        return pixel_values$OFFSET;
    }

    /**
     * Getter for field:
     * {@snippet lang=c :
     * const float *pixel_values
     * }
     */
    public static MemorySegment pixel_values(MemorySegment struct) {
        return struct.get(pixel_values$LAYOUT, pixel_values$OFFSET);
    }

    /**
     * Setter for field:
     * {@snippet lang=c :
     * const float *pixel_values
     * }
     */
    public static void pixel_values(MemorySegment struct, MemorySegment fieldValue) {
        struct.set(pixel_values$LAYOUT, pixel_values$OFFSET, fieldValue);
    }

    private static final AddressLayout image_sizes$LAYOUT = (AddressLayout)$LAYOUT.select(groupElement("image_sizes"));

    /**
     * Layout for field:
     * {@snippet lang=c :
     * const int64_t *image_sizes
     * }
     */
    public static final AddressLayout image_sizes$layout() {
        return image_sizes$LAYOUT;
    }

    private static final long image_sizes$OFFSET = 80;

    /**
     * Offset for field:
     * {@snippet lang=c :
     * const int64_t *image_sizes
     * }
     */
    public static final long image_sizes$offset() {
        return image_sizes$OFFSET;
    }

    /**
     * Getter for field:
     * {@snippet lang=c :
     * const int64_t *image_sizes
     * }
     */
    public static MemorySegment image_sizes(MemorySegment struct) {
        return struct.get(image_sizes$LAYOUT, image_sizes$OFFSET);
    }

    /**
     * Setter for field:
     * {@snippet lang=c :
     * const int64_t *image_sizes
     * }
     */
    public static void image_sizes(MemorySegment struct, MemorySegment fieldValue) {
        struct.set(image_sizes$LAYOUT, image_sizes$OFFSET, fieldValue);
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
