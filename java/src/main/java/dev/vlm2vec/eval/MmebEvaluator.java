package dev.vlm2vec.eval;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vlm2vec.Embedder;
import dev.vlm2vec.Input;
import dev.vlm2vec.data.EvalRow;
import dev.vlm2vec.data.MmebInputs;
import dev.vlm2vec.ffi.NativeProcessGroup;
import dev.vlm2vec.io.AtomicFiles;
import dev.vlm2vec.processing.ImageRoot;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.NullMarked;
import org.jspecify.annotations.Nullable;

/**
 * Scores one MMEB dataset with an embedder, as the benchmark does: unique queries and
 * unique candidates (by text and image path) are embedded once, each query's candidates are
 * ranked by cosine, the positive is candidate 0, ties go to the lowest index. Writes
 * {@code {name}_score.json} and {@code {name}_pred.jsonl} into the output directory.
 *
 * <p>With a process group, every rank calls {@link #evaluate} with the same rows: each embeds a
 * contiguous shard of the unique queries and of the unique candidates, the shards are
 * all-gathered in order, and every rank scores the same matrix; rank 0 alone writes the files
 * and the cache.
 */
@NullMarked
public final class MmebEvaluator {

    private record Item(String text, @Nullable String image) {}

    private final Embedder embedder;
    private final Path imageRoot;
    private final boolean skipMissing;
    private final Path output;
    private final int batchSize;
    private final EmbeddingCache cache;
    private final RankingScope scope;
    private final @Nullable NativeProcessGroup group;

    /**
     * @param modelFingerprint identifies the model (its directory and options) in the
     *     embedding cache under {@code output/cache}, which lets an interrupted run resume
     */
    public MmebEvaluator(Embedder embedder, Path imageRoot, boolean skipMissing, Path output, int batchSize,
            String modelFingerprint) {
        this(embedder, imageRoot, skipMissing, output, batchSize, modelFingerprint, RankingScope.CANDIDATES);
    }

    /** @param scope rank against each query's own candidates (MMEB) or against all of a dataset's */
    public MmebEvaluator(Embedder embedder, Path imageRoot, boolean skipMissing, Path output, int batchSize,
            String modelFingerprint, RankingScope scope) {
        this(embedder, imageRoot, skipMissing, output, batchSize, modelFingerprint, scope, null);
    }

    /** @param group the job's process group, to shard the encoding over its ranks (null: one process) */
    public MmebEvaluator(Embedder embedder, Path imageRoot, boolean skipMissing, Path output, int batchSize,
            String modelFingerprint, RankingScope scope, @Nullable NativeProcessGroup group) {
        this.group = group;
        this.scope = scope;
        this.embedder = embedder;
        this.imageRoot = imageRoot;
        this.skipMissing = skipMissing;
        this.output = output;
        this.batchSize = batchSize;
        this.cache = new EmbeddingCache(output.resolve("cache"), modelFingerprint);
    }

    /**
     * The result of one dataset, with how many rows were skipped for a missing image and
     * whether the embeddings came from the cache.
     */
    public record Result(DatasetScore score, int skipped, boolean cached) {}

    /** Receives (embedded so far, to embed in all) after each batch. */
    @FunctionalInterface
    public interface ProgressListener {
        void update(long done, long total);
    }

    public Result evaluate(MmebDataset dataset, List<EvalRow> rows, ProgressListener progress) {
        List<EvalRow> kept = new ArrayList<>();
        int skipped = 0;
        for (EvalRow row : rows) {
            if (skipMissing && !imagesPresent(row)) {
                skipped++;
            } else {
                kept.add(row);
            }
        }
        Map<Item, Integer> queries = new LinkedHashMap<>();
        Map<Item, Integer> candidates = new LinkedHashMap<>();
        int[] queryOf = new int[kept.size()];
        int[][] lists = new int[kept.size()][];
        for (int r = 0; r < kept.size(); r++) {
            EvalRow row = kept.get(r);
            queryOf[r] = queries.computeIfAbsent(new Item(row.queryText(), row.queryImage()), key -> queries.size());
            lists[r] = new int[row.targetTexts().size()];
            for (int c = 0; c < lists[r].length; c++) {
                Item item = new Item(row.targetTexts().get(c), row.targetImages().get(c));
                lists[r][c] = candidates.computeIfAbsent(item, key -> candidates.size());
            }
        }
        int dim = embedder.dimension();
        long total = queries.size() + candidates.size();
        long[] done = {0};
        java.util.function.IntConsumer advance = n -> progress.update(Math.min(total, done[0] += n), total);
        boolean[] cached = {true};
        float[] queryEmbeddings = cachedOrEmbed(dataset, "queries", new ArrayList<>(queries.keySet()), dim, advance, cached);
        float[] candidateEmbeddings = cachedOrEmbed(dataset, "candidates", new ArrayList<>(candidates.keySet()), dim,
                advance, cached);
        float[] perRow = new float[kept.size() * dim];
        for (int r = 0; r < kept.size(); r++) {
            System.arraycopy(queryEmbeddings, queryOf[r] * dim, perRow, r * dim, dim);
        }
        int[] ranks;
        if (scope == RankingScope.GLOBAL) {
            int[] positives = new int[lists.length];
            for (int r = 0; r < lists.length; r++) {
                positives[r] = lists[r][0];
            }
            ranks = CandidateScorer.globalRanksOfPositives(perRow, candidateEmbeddings, dim, positives);
        } else {
            ranks = CandidateScorer.ranksOfPositives(perRow, candidateEmbeddings, dim, lists);
        }
        DatasetScore score = DatasetScore.fromRanks(dataset, ranks);
        if (group == null || group.isRankZero()) {
            writeOutputs(dataset, score, ranks, skipped);
        }
        return new Result(score, skipped, cached[0]);
    }

    private float[] cachedOrEmbed(MmebDataset dataset, String side, List<Item> items, int dim,
            java.util.function.IntConsumer progress, boolean[] cached) {
        Path file = cache.file(dataset.name(), side, items.stream().map(i -> i.text() + "\u0001" + i.image()).toList());
        var hit = cache.read(file, items.size(), dim);
        // Ranks use the cache only if all of them can (each takes part in embedding otherwise).
        boolean everyRankHit = group == null ? hit.isPresent() : !group.any(hit.isEmpty());
        if (everyRankHit) {
            progress.accept(items.size());
            return hit.orElseThrow();
        }
        cached[0] = false;
        float[] embeddings = group == null || group.worldSize() == 1 ? embed(items, dim, progress)
                : embedShard(items, dim, progress);
        if (group == null || group.isRankZero()) {
            cache.write(file, embeddings);
        }
        return embeddings;
    }

    // This rank's contiguous share of items, then every rank's, in order.
    private float[] embedShard(List<Item> items, int dim, java.util.function.IntConsumer progress) {
        NativeProcessGroup g = java.util.Objects.requireNonNull(group);
        long size = items.size();
        int from = (int) (size * g.rank() / g.worldSize()), to = (int) (size * (g.rank() + 1) / g.worldSize());
        // Progress shows this rank's share scaled to the whole (the ranks run at about one pace).
        float[] mine = embed(items.subList(from, to), dim, n -> progress.accept(n * g.worldSize()));
        float[] all = g.allGather(mine, dim);
        if (all.length != items.size() * dim) {
            throw new IllegalStateException("gathered " + all.length / dim + " embeddings for " + items.size() + " inputs:"
                    + " the ranks evaluate different rows (every rank must read the same --data)");
        }
        return all;
    }

    // An image path that leaves the root is an error (ImageRoot), not a missing image to skip.
    private boolean imagesPresent(EvalRow row) {
        ImageRoot root = ImageRoot.of(imageRoot, embedder.options().images());
        if (row.queryImage() != null && !Files.isRegularFile(root.resolve(row.queryImage()))) {
            return false;
        }
        return row.targetImages().stream().filter(Objects::nonNull).allMatch(p -> Files.isRegularFile(root.resolve(p)));
    }

    private float[] embed(List<Item> items, int dim, java.util.function.IntConsumer progress) {
        float[] out = new float[items.size() * dim];
        for (int start = 0; start < items.size(); start += batchSize) {
            List<Input> inputs = new ArrayList<>();
            for (Item item : items.subList(start, Math.min(items.size(), start + batchSize))) {
                inputs.add(input(item));
            }
            List<float[]> embedded = embedder.embedAll(inputs);
            for (int i = 0; i < embedded.size(); i++) {
                System.arraycopy(embedded.get(i), 0, out, (start + i) * dim, dim);
            }
            progress.accept(inputs.size());
        }
        return out;
    }

    private Input input(Item item) {
        return MmebInputs.of(item.text(), item.image(), imageRoot, embedder.inputEncoder(), embedder.options().images());
    }

    private void writeOutputs(MmebDataset dataset, DatasetScore score, int[] ranks, int skipped) {
        ObjectMapper json = new ObjectMapper();
        ObjectNode scoreJson = json.createObjectNode()
                .put("acc", score.acc()).put("num_correct", score.numCorrect()).put("num_pred", score.numPred())
                .put("hit@5", score.hitAt5()).put("mrr", score.mrr()).put("ndcg@5", score.ndcgAt5())
                .put("num_skipped", skipped);
        StringBuilder predictions = new StringBuilder();
        for (int r = 0; r < ranks.length; r++) {
            predictions.append(json.createObjectNode().put("query", r).put("rank_of_positive", ranks[r])
                    .put("correct", ranks[r] == 0)).append('\n');
        }
        try {
            Files.createDirectories(output);
            AtomicFiles.write(output.resolve(dataset.name() + "_score.json"), (json.writerWithDefaultPrettyPrinter()
                    .writeValueAsString(scoreJson) + "\n").getBytes(StandardCharsets.UTF_8));
            AtomicFiles.write(output.resolve(dataset.name() + "_pred.jsonl"), predictions.toString()
                    .getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the results of " + dataset.name() + " to " + output, e);
        }
    }
}
