package dev.vlm2vec.ffi;

import dev.vlm2vec.ffi.internal.vlm2vec_batch;
import dev.vlm2vec.ffi.internal.vlm2vec_h;
import dev.vlm2vec.ffi.internal.vlm2vec_image;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SegmentAllocator;
import java.lang.foreign.ValueLayout;
import java.util.List;
import org.jspecify.annotations.NullMarked;

/**
 * One padded batch in off-heap memory, as {@link NativeModel#encode} takes it: token ids and
 * attention mask {@code [batchSize, seqLen]} (int64) padded on {@code paddingSide}, optional
 * M-RoPE {@code positionIds [3, batchSize, seqLen]} ({@link MemorySegment#NULL}: the backbone's
 * own), and the images in the order of their placeholders, each in its backbone's layout
 * ({@link Image}). The segments belong to the caller's arena; native code reads them in place.
 */
@NullMarked
public record ModelBatch(
        long batchSize,
        long seqLen,
        MemorySegment inputIds,
        MemorySegment attentionMask,
        MemorySegment positionIds,
        PaddingSide paddingSide,
        List<Image> images) {

    /** Which end of a row the padding is on. */
    public enum PaddingSide {
        /** Real tokens first (Phi-3.5-V, LLaVA-NeXT). */
        RIGHT,
        /** Padding first (Qwen2-VL's tokenizer). */
        LEFT
    }

    /**
     * One image's pixels: {@code [views, channels, height, width]} for view backbones or
     * {@code [patches, values]} with its {@code gridThw} for Qwen2-VL (float32, {@code shape}
     * row-major), and the {@code (height, width)} the backbone needs with it.
     */
    public record Image(MemorySegment pixels, long[] shape, long[] imageSize, long[] gridThw) {

        public Image {
            if (shape.length != 4 && shape.length != 2) {
                throw new IllegalArgumentException("an image is [views, channels, height, width] or [patches, values], not "
                        + shape.length + "-D");
            }
            long[] dims = shape.clone();
            for (int d = 0; d < dims.length; d++) {
                BufferChecks.requireAtLeast("image shape[" + d + "]", dims[d], 1);
            }
            BufferChecks.requireOffHeap("image pixels", pixels, ValueLayout.JAVA_FLOAT, BufferChecks.elements(dims),
                    "the product of its shape");
            if (imageSize.length != 2 || gridThw.length != 3) {
                throw new IllegalArgumentException("an image needs a (height, width) and a (frames, rows, columns) grid");
            }
            shape = dims;
            imageSize = imageSize.clone();
            gridThw = gridThw.clone();
        }
    }

    public ModelBatch {
        BufferChecks.requireAtLeast("batchSize", batchSize, 1);
        BufferChecks.requireAtLeast("seqLen", seqLen, 1);
        long tokens = BufferChecks.elements(batchSize, seqLen);
        BufferChecks.requireOffHeap("inputIds", inputIds, ValueLayout.JAVA_LONG, tokens, "batchSize * seqLen");
        BufferChecks.requireOffHeap("attentionMask", attentionMask, ValueLayout.JAVA_LONG, tokens, "batchSize * seqLen");
        if (!positionIds.equals(MemorySegment.NULL)) {
            BufferChecks.requireOffHeap("positionIds", positionIds, ValueLayout.JAVA_LONG, BufferChecks.elements(3, tokens),
                    "3 * batchSize * seqLen");
        }
        images = List.copyOf(images);
    }

    /** A right-padded text-only batch copied from arrays (rows of equal length) into arena. */
    public static ModelBatch ofText(long[][] inputIds, long[][] attentionMask, Arena arena) {
        return withImages(inputIds, attentionMask, new float[0], new long[] {0, 0, 0, 0, 0}, new long[0][], arena);
    }

    /**
     * A right-padded batch of view images copied from arrays into arena. {@code pixelShape} is
     * {@code [numImages, views, channels, height, width]} of {@code pixelValues}; {@code imageSizes}
     * holds one {@code {height, width}} per image.
     */
    public static ModelBatch withImages(long[][] inputIds, long[][] attentionMask, float[] pixelValues, long[] pixelShape,
            long[][] imageSizes, Arena arena) {
        if (inputIds.length == 0) {
            throw new IllegalArgumentException("a batch needs at least one example");
        }
        if (attentionMask.length != inputIds.length) {
            throw new IllegalArgumentException("attentionMask has " + attentionMask.length + " rows but inputIds has "
                    + inputIds.length);
        }
        int seqLen = inputIds[0].length;
        MemorySegment ids = arena.allocate(ValueLayout.JAVA_LONG, (long) inputIds.length * seqLen);
        MemorySegment mask = arena.allocate(ValueLayout.JAVA_LONG, (long) inputIds.length * seqLen);
        for (int row = 0; row < inputIds.length; row++) {
            if (inputIds[row].length != seqLen || attentionMask[row].length != seqLen) {
                throw new IllegalArgumentException("row " + row + " of inputIds/attentionMask is not " + seqLen
                        + " long: pad every row to the same length");
            }
            MemorySegment.copy(inputIds[row], 0, ids, ValueLayout.JAVA_LONG, (long) row * seqLen * 8, seqLen);
            MemorySegment.copy(attentionMask[row], 0, mask, ValueLayout.JAVA_LONG, (long) row * seqLen * 8, seqLen);
        }
        if (pixelShape.length != 5) {
            throw new IllegalArgumentException("pixelShape must be [numImages, views, channels, height, width]");
        }
        if (imageSizes.length != pixelShape[0]) {
            throw new IllegalArgumentException("imageSizes has " + imageSizes.length + " entries for " + pixelShape[0]
                    + " images");
        }
        long[] viewShape = {pixelShape[1], pixelShape[2], pixelShape[3], pixelShape[4]};
        long perImage = pixelShape[0] == 0 ? 0 : BufferChecks.elements(viewShape);
        if (pixelValues.length != pixelShape[0] * perImage) {
            throw new IllegalArgumentException("pixelValues holds " + pixelValues.length + " floats, pixelShape needs "
                    + pixelShape[0] * perImage);
        }
        MemorySegment pixels = pixelValues.length == 0 ? MemorySegment.NULL : arena.allocateFrom(ValueLayout.JAVA_FLOAT, pixelValues);
        java.util.ArrayList<Image> images = new java.util.ArrayList<>();
        for (int i = 0; i < imageSizes.length; i++) {
            if (imageSizes[i].length != 2) {
                throw new IllegalArgumentException("imageSizes[" + i + "] must be {height, width}");
            }
            images.add(new Image(pixels.asSlice(i * perImage * Float.BYTES, perImage * Float.BYTES), viewShape, imageSizes[i],
                    new long[3]));
        }
        return new ModelBatch(inputIds.length, seqLen, ids, mask, MemorySegment.NULL, PaddingSide.RIGHT, images);
    }

    /** Writes this batch's {@code vlm2vec_batch} descriptor into {@code descriptor} (pointers, not copies). */
    void describe(MemorySegment descriptor, SegmentAllocator allocator) {
        vlm2vec_batch.batch_size(descriptor, batchSize);
        vlm2vec_batch.seq_len(descriptor, seqLen);
        vlm2vec_batch.input_ids(descriptor, inputIds);
        vlm2vec_batch.attention_mask(descriptor, attentionMask);
        vlm2vec_batch.position_ids(descriptor, positionIds);
        vlm2vec_batch.padding_side(descriptor, paddingSide == PaddingSide.LEFT ? vlm2vec_h.VLM2VEC_PAD_LEFT()
                : vlm2vec_h.VLM2VEC_PAD_RIGHT());
        vlm2vec_batch.num_images(descriptor, images.size());
        if (images.isEmpty()) {
            vlm2vec_batch.images(descriptor, MemorySegment.NULL);
            return;
        }
        MemorySegment array = vlm2vec_image.allocateArray(images.size(), allocator);
        for (int i = 0; i < images.size(); i++) {
            Image image = images.get(i);
            MemorySegment entry = vlm2vec_image.asSlice(array, i);
            vlm2vec_image.pixel_values(entry, image.pixels());
            vlm2vec_image.rank(entry, image.shape().length);
            for (int d = 0; d < image.shape().length; d++) {
                vlm2vec_image.shape(entry, d, image.shape()[d]);
            }
            vlm2vec_image.image_size(entry, 0, image.imageSize()[0]);
            vlm2vec_image.image_size(entry, 1, image.imageSize()[1]);
            for (int d = 0; d < 3; d++) {
                vlm2vec_image.grid_thw(entry, d, image.gridThw()[d]);
            }
        }
        vlm2vec_batch.images(descriptor, array);
    }

    /** An array of descriptors for {@code batches}, in {@code arena}; NULL when there are none. */
    static MemorySegment describeAll(List<ModelBatch> batches, Arena arena) {
        if (batches.isEmpty()) {
            return MemorySegment.NULL;
        }
        MemorySegment array = vlm2vec_batch.allocateArray(batches.size(), arena);
        for (int i = 0; i < batches.size(); i++) {
            batches.get(i).describe(vlm2vec_batch.asSlice(array, i), arena);
        }
        return array;
    }
}
