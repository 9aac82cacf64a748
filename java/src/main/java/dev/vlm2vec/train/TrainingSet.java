package dev.vlm2vec.train;

import dev.vlm2vec.data.TrainRow;
import dev.vlm2vec.processing.ImageRoot;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.stream.Stream;
import org.jspecify.annotations.NullMarked;

/**
 * The order in which training pairs are seen. Like the paper: each dataset capped at
 * {@code maxPerDataset} rows (a deterministic sample), then all pairs mixed at random; or,
 * with {@code homogeneous}, every batch drawn from one dataset (batches shuffled), so the
 * in-batch negatives are of the same task. Deterministic for a seed, so a resumed run sees the
 * same sequence.
 */
@NullMarked
public final class TrainingSet {

    private final List<TrainRow> rows;
    private final int skipped;

    private TrainingSet(List<TrainRow> rows, int skipped) {
        this.rows = rows;
        this.skipped = skipped;
    }

    /**
     * @param byDataset rows per dataset name, in a fixed order
     * @param imageRoot where image paths resolve; with {@code skipMissing} rows whose image is
     *     missing are dropped and counted, otherwise loading fails later naming the file
     */
    public static TrainingSet mix(Map<String, List<TrainRow>> byDataset, int maxPerDataset, int batchSize,
            boolean homogeneous, long seed, ImageRoot imageRoot, boolean skipMissing) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be >= 1, got " + batchSize);
        }
        Random random = new Random(seed);
        int skipped = 0;
        Map<String, List<TrainRow>> capped = new LinkedHashMap<>();
        for (Map.Entry<String, List<TrainRow>> entry : byDataset.entrySet()) {
            List<TrainRow> kept = new ArrayList<>();
            for (TrainRow row : entry.getValue()) {
                if (skipMissing && !imagesPresent(row, imageRoot)) {
                    skipped++;
                } else {
                    kept.add(row);
                }
            }
            Collections.shuffle(kept, random);
            capped.put(entry.getKey(), maxPerDataset > 0 && kept.size() > maxPerDataset ? kept.subList(0, maxPerDataset) : kept);
        }
        List<TrainRow> order = new ArrayList<>();
        if (homogeneous) {
            List<List<TrainRow>> batches = new ArrayList<>();
            for (List<TrainRow> rows : capped.values()) {
                for (int start = 0; start + batchSize <= rows.size(); start += batchSize) {
                    batches.add(rows.subList(start, start + batchSize));
                }
            }
            Collections.shuffle(batches, random);
            batches.forEach(order::addAll);
        } else {
            capped.values().forEach(order::addAll);
            Collections.shuffle(order, random);
        }
        if (order.size() < batchSize) {
            throw new IllegalArgumentException("only " + order.size() + " training pairs for a batch of " + batchSize);
        }
        return new TrainingSet(List.copyOf(order), skipped);
    }

    /** Batch {@code index} (0-based); the set repeats (epochs) as often as the steps need. */
    public List<TrainRow> batch(long index, int batchSize) {
        int perEpoch = rows.size() / batchSize;
        int start = (int) (index % perEpoch) * batchSize;
        return rows.subList(start, start + batchSize);
    }

    public int size() {
        return rows.size();
    }

    public int skipped() {
        return skipped;
    }

    private static boolean imagesPresent(TrainRow row, ImageRoot root) {
        return Stream.of(row.queryImage(), row.positiveImage(), row.negativeImage()).filter(Objects::nonNull)
                .allMatch(p -> Files.isRegularFile(root.resolve(p)));
    }
}
