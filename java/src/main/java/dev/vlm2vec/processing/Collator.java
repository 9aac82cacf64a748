package dev.vlm2vec.processing;

import dev.vlm2vec.ffi.ModelBatch;
import dev.vlm2vec.ffi.ModelBatch.PaddingSide;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.NullMarked;

/**
 * Lays a list of encoded inputs out as one padded batch in off-heap memory owned by the
 * caller's arena, the way the encoder's backbone pads: ids padded with the pad id on the
 * encoder's side, a 0/1 attention mask, GME's arange positions where the encoder asks for them,
 * and every input's images in order, each in its own layout. Native code reads these segments
 * in place.
 */
@NullMarked
public final class Collator {

    private Collator() {}

    public static ModelBatch collate(List<EncodedInput> inputs, InputEncoder encoder, Arena arena) {
        return collate(inputs, encoder.padId(), encoder.paddingSide(), encoder.arangePositions(), arena);
    }

    /**
     * @param arangePositions pass {@code 0..seqLen-1} in all three M-RoPE planes for every row,
     *     padding included (GME: its forward passes no position_ids); false leaves them to the backbone
     */
    public static ModelBatch collate(List<EncodedInput> inputs, long padId, PaddingSide side, boolean arangePositions,
            Arena arena) {
        if (inputs.isEmpty()) {
            throw new IllegalArgumentException("cannot collate an empty batch");
        }
        int seqLen = inputs.stream().mapToInt(input -> input.ids().length).max().orElseThrow();
        int batch = inputs.size();
        MemorySegment ids = arena.allocate(ValueLayout.JAVA_LONG, (long) batch * seqLen);
        MemorySegment mask = arena.allocate(ValueLayout.JAVA_LONG, (long) batch * seqLen);
        for (int row = 0; row < batch; row++) {
            long[] rowIds = inputs.get(row).ids();
            long rowStart = (long) row * seqLen * Long.BYTES;
            long padding = (long) (seqLen - rowIds.length) * Long.BYTES;
            long realStart = side == PaddingSide.LEFT ? rowStart + padding : rowStart;
            long padStart = side == PaddingSide.LEFT ? rowStart : rowStart + (long) rowIds.length * Long.BYTES;
            MemorySegment.copy(rowIds, 0, ids, ValueLayout.JAVA_LONG, realStart, rowIds.length);
            ids.asSlice(padStart, padding).elements(ValueLayout.JAVA_LONG)
                    .forEach(slot -> slot.set(ValueLayout.JAVA_LONG, 0, padId));
            mask.asSlice(realStart, (long) rowIds.length * Long.BYTES).elements(ValueLayout.JAVA_LONG)
                    .forEach(slot -> slot.set(ValueLayout.JAVA_LONG, 0, 1L));
        }
        MemorySegment positions = MemorySegment.NULL;
        if (arangePositions) {
            positions = arena.allocate(ValueLayout.JAVA_LONG, 3L * batch * seqLen);
            for (long i = 0; i < 3L * batch * seqLen; i++) {
                positions.setAtIndex(ValueLayout.JAVA_LONG, i, i % seqLen);
            }
        }
        List<ModelBatch.Image> images = new ArrayList<>();
        for (EncodedInput input : inputs) {
            for (ProcessedImage image : input.images()) {
                images.add(new ModelBatch.Image(arena.allocateFrom(ValueLayout.JAVA_FLOAT, image.pixelValues()), image.shape(),
                        image.imageSize(), image.gridThw()));
            }
        }
        return new ModelBatch(batch, seqLen, ids, mask, positions, side, images);
    }
}
