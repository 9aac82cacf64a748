package dev.vlm2vec.train;

import dev.vlm2vec.data.MmebInputs;
import dev.vlm2vec.data.TrainRow;
import dev.vlm2vec.ffi.ModelBatch;
import dev.vlm2vec.processing.Collator;
import dev.vlm2vec.processing.EncodedInput;
import dev.vlm2vec.processing.ImageOptions;
import dev.vlm2vec.processing.InputEncoder;
import java.lang.foreign.Arena;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.NullMarked;

/**
 * One step's contrastive batch, tokenised, with its images processed, collated into
 * GradCache chunks in off-heap memory that the native step reads in place. Built on a
 * background thread while the previous step computes; closing frees the memory.
 */
@NullMarked
public record PreparedBatch(List<ModelBatch> queries, List<ModelBatch> targets, List<ModelBatch> negatives, Arena arena)
        implements AutoCloseable {

    /**
     * @param chunk rows per GradCache chunk; 0 or >= the batch: one chunk
     */
    public static PreparedBatch of(List<TrainRow> rows, InputEncoder encoder, Path imageRoot, ImageOptions images,
            int chunk, boolean hardNegatives) {
        List<EncodedInput> queries = new ArrayList<>(), targets = new ArrayList<>(), negatives = new ArrayList<>();
        for (TrainRow row : rows) {
            queries.add(encoder.encode(MmebInputs.of(row.query(), row.queryImage(), imageRoot, encoder, images)));
            targets.add(encoder.encode(MmebInputs.of(row.positiveText(), row.positiveImage(), imageRoot, encoder, images)));
            if (hardNegatives && (!row.negativeText().isEmpty() || row.negativeImage() != null)) {
                negatives.add(encoder.encode(MmebInputs.of(row.negativeText(), row.negativeImage(), imageRoot, encoder, images)));
            }
        }
        Arena arena = Arena.ofShared();  // filled here, read by the training thread
        try {
            return new PreparedBatch(chunks(queries, chunk, encoder, arena), chunks(targets, chunk, encoder, arena),
                    chunks(negatives, chunk, encoder, arena), arena);
        } catch (RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    private static List<ModelBatch> chunks(List<EncodedInput> inputs, int chunk, InputEncoder encoder, Arena arena) {
        List<ModelBatch> batches = new ArrayList<>();
        int size = chunk <= 0 ? Math.max(1, inputs.size()) : chunk;
        for (int start = 0; start < inputs.size(); start += size) {
            batches.add(Collator.collate(inputs.subList(start, Math.min(inputs.size(), start + size)), encoder, arena));
        }
        return batches;
    }

    @Override
    public void close() {
        arena.close();
    }
}
