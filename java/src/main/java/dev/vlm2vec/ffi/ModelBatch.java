package dev.vlm2vec.ffi;

import dev.vlm2vec.ffi.internal.vlm2vec_batch;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;
import org.jspecify.annotations.NullMarked;

/**
 * One right-padded batch in off-heap memory, as {@link NativeModel#encode} takes it: token
 * ids and attention mask {@code [batchSize, seqLen]} (int64), and for the images, in the
 * order of their placeholders, pixel values {@code [numImages, crops, channels, height,
 * width]} (float32) and image sizes {@code [numImages, 2]} (int64 height, width).
 * The segments belong to the caller's arena; native code reads them in place.
 */
@NullMarked
public record ModelBatch(
        long batchSize,
        long seqLen,
        MemorySegment inputIds,
        MemorySegment attentionMask,
        long numImages,
        long cropsPerImage,
        long channels,
        long cropHeight,
        long cropWidth,
        MemorySegment pixelValues,
        MemorySegment imageSizes) {

    public ModelBatch {
        BufferChecks.requireAtLeast("batchSize", batchSize, 1);
        BufferChecks.requireAtLeast("seqLen", seqLen, 1);
        BufferChecks.requireAtLeast("numImages", numImages, 0);
        long tokens = BufferChecks.elements(batchSize, seqLen);
        BufferChecks.requireOffHeap("inputIds", inputIds, ValueLayout.JAVA_LONG, tokens, "batchSize * seqLen");
        BufferChecks.requireOffHeap("attentionMask", attentionMask, ValueLayout.JAVA_LONG, tokens, "batchSize * seqLen");
        if (numImages > 0) {
            BufferChecks.requireAtLeast("cropsPerImage", cropsPerImage, 1);
            BufferChecks.requireAtLeast("channels", channels, 1);
            BufferChecks.requireAtLeast("cropHeight", cropHeight, 1);
            BufferChecks.requireAtLeast("cropWidth", cropWidth, 1);
            BufferChecks.requireOffHeap("pixelValues", pixelValues, ValueLayout.JAVA_FLOAT,
                    BufferChecks.elements(numImages, cropsPerImage, channels, cropHeight, cropWidth),
                    "numImages * cropsPerImage * channels * cropHeight * cropWidth");
            BufferChecks.requireOffHeap("imageSizes", imageSizes, ValueLayout.JAVA_LONG,
                    BufferChecks.elements(numImages, 2), "numImages * 2");
        }
    }

    /** A text-only batch copied from arrays (rows of equal length) into arena. */
    public static ModelBatch ofText(long[][] inputIds, long[][] attentionMask, Arena arena) {
        return withImages(inputIds, attentionMask, new float[0], new long[] {0, 0, 0, 0, 0}, new long[0][], arena);
    }

    /**
     * A batch copied from arrays into arena. {@code pixelShape} is {@code [numImages, crops,
     * channels, height, width]} of {@code pixelValues}; {@code imageSizes} holds one
     * {@code {height, width}} per image.
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
            throw new IllegalArgumentException("pixelShape must be [numImages, crops, channels, height, width]");
        }
        if (imageSizes.length != pixelShape[0]) {
            throw new IllegalArgumentException("imageSizes has " + imageSizes.length + " entries for " + pixelShape[0]
                    + " images");
        }
        MemorySegment sizes = arena.allocate(ValueLayout.JAVA_LONG, Math.max(1, 2L * imageSizes.length));
        for (int i = 0; i < imageSizes.length; i++) {
            if (imageSizes[i].length != 2) {
                throw new IllegalArgumentException("imageSizes[" + i + "] must be {height, width}");
            }
            MemorySegment.copy(imageSizes[i], 0, sizes, ValueLayout.JAVA_LONG, 16L * i, 2);
        }
        MemorySegment pixels = pixelValues.length == 0 ? MemorySegment.NULL
                : arena.allocateFrom(ValueLayout.JAVA_FLOAT, pixelValues);
        return new ModelBatch(inputIds.length, seqLen, ids, mask, pixelShape[0], pixelShape[1], pixelShape[2],
                pixelShape[3], pixelShape[4], pixels, pixelShape[0] == 0 ? MemorySegment.NULL : sizes);
    }

    /** Writes this batch's {@code vlm2vec_batch} descriptor into {@code descriptor} (pointers, not copies). */
    void describe(MemorySegment descriptor) {
        vlm2vec_batch.batch_size(descriptor, batchSize);
        vlm2vec_batch.seq_len(descriptor, seqLen);
        vlm2vec_batch.input_ids(descriptor, inputIds);
        vlm2vec_batch.attention_mask(descriptor, attentionMask);
        vlm2vec_batch.num_images(descriptor, numImages);
        vlm2vec_batch.crops_per_image(descriptor, cropsPerImage);
        vlm2vec_batch.channels(descriptor, channels);
        vlm2vec_batch.crop_height(descriptor, cropHeight);
        vlm2vec_batch.crop_width(descriptor, cropWidth);
        vlm2vec_batch.pixel_values(descriptor, pixelValues);
        vlm2vec_batch.image_sizes(descriptor, imageSizes);
    }

    /** An array of descriptors for {@code batches}, in {@code arena}; NULL when there are none. */
    static MemorySegment describeAll(List<ModelBatch> batches, Arena arena) {
        if (batches.isEmpty()) {
            return MemorySegment.NULL;
        }
        MemorySegment array = vlm2vec_batch.allocateArray(batches.size(), arena);
        for (int i = 0; i < batches.size(); i++) {
            batches.get(i).describe(vlm2vec_batch.asSlice(array, i));
        }
        return array;
    }
}
