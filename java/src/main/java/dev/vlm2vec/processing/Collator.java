package dev.vlm2vec.processing;

import dev.vlm2vec.ffi.ModelBatch;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;
import org.jspecify.annotations.NullMarked;

/**
 * Lays a list of encoded inputs out as one right-padded batch in off-heap memory owned by
 * the caller's arena: ids padded with the pad id, a 0/1 attention mask, and the images of all
 * inputs in order, each padded with zero views to the batch's largest view count. Native
 * code reads these segments in place.
 */
@NullMarked
public final class Collator {

    private Collator() {}

    public static ModelBatch collate(List<EncodedInput> inputs, long padId, Arena arena) {
        if (inputs.isEmpty()) {
            throw new IllegalArgumentException("cannot collate an empty batch");
        }
        int seqLen = inputs.stream().mapToInt(input -> input.ids().length).max().orElseThrow();
        int batch = inputs.size();
        MemorySegment ids = arena.allocate(ValueLayout.JAVA_LONG, (long) batch * seqLen);
        MemorySegment mask = arena.allocate(ValueLayout.JAVA_LONG, (long) batch * seqLen);
        List<ProcessedImage> images = inputs.stream().flatMap(input -> input.images().stream()).toList();
        for (int row = 0; row < batch; row++) {
            long[] rowIds = inputs.get(row).ids();
            long offset = (long) row * seqLen * Long.BYTES;
            MemorySegment.copy(rowIds, 0, ids, ValueLayout.JAVA_LONG, offset, rowIds.length);
            ids.asSlice(offset + (long) rowIds.length * Long.BYTES, (long) (seqLen - rowIds.length) * Long.BYTES)
                    .elements(ValueLayout.JAVA_LONG).forEach(slot -> slot.set(ValueLayout.JAVA_LONG, 0, padId));
            mask.asSlice(offset, (long) rowIds.length * Long.BYTES).elements(ValueLayout.JAVA_LONG)
                    .forEach(slot -> slot.set(ValueLayout.JAVA_LONG, 0, 1L));
        }
        if (images.isEmpty()) {
            return new ModelBatch(batch, seqLen, ids, mask, 0, 0, 0, 0, 0, MemorySegment.NULL, MemorySegment.NULL);
        }
        int size = images.get(0).size();
        int views = images.stream().mapToInt(ProcessedImage::views).max().orElseThrow();
        long viewFloats = 3L * size * size;
        MemorySegment pixels = arena.allocate(ValueLayout.JAVA_FLOAT, images.size() * views * viewFloats);
        MemorySegment sizes = arena.allocate(ValueLayout.JAVA_LONG, 2L * images.size());
        for (int i = 0; i < images.size(); i++) {
            ProcessedImage image = images.get(i);
            if (image.size() != size) {
                throw new IllegalArgumentException("images of one batch must share a view size: " + image.size() + " vs " + size);
            }
            MemorySegment.copy(image.pixelValues(), 0, pixels, ValueLayout.JAVA_FLOAT, i * views * viewFloats * Float.BYTES,
                    image.pixelValues().length);
            MemorySegment.copy(image.imageSize(), 0, sizes, ValueLayout.JAVA_LONG, 16L * i, 2);
        }
        return new ModelBatch(batch, seqLen, ids, mask, images.size(), views, 3, size, size, pixels, sizes);
    }
}
