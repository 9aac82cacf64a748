package dev.vlm2vec.bench;

import dev.vlm2vec.eval.CandidateScorer;
import dev.vlm2vec.ffi.EmbeddingIndex;
import dev.vlm2vec.ffi.NativeLibrary;
import dev.vlm2vec.ffi.SearchHits;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Scoring one MMEB dataset: 1000 queries, each against the same 1000 candidates (the
 * classification case), 3072 dimensions. The blocked Java scorer ({@link CandidateScorer}), per
 * query list and corpus-wide, beside a libtorch matrix product + argmax
 * ({@link EmbeddingIndex#search} with k = 1) in one run.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 3, time = 3)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "--add-modules", "jdk.incubator.vector"})
public class ScoringBenchmark {

    @Param({"1000"})
    public int queries;

    @Param({"1000"})
    public int candidates;

    @Param({"3072"})
    public int dim;

    private float[] queryEmbeddings;
    private float[] candidateEmbeddings;
    private int[][] lists;
    private int[] positives;
    private EmbeddingIndex index;

    @Setup(Level.Trial)
    public void setUp() {
        NativeLibrary.load();
        Random random = new Random(11);
        queryEmbeddings = new float[queries * dim];
        candidateEmbeddings = new float[candidates * dim];
        for (int i = 0; i < queryEmbeddings.length; i++) {
            queryEmbeddings[i] = (float) random.nextGaussian();
        }
        for (int i = 0; i < candidateEmbeddings.length; i++) {
            candidateEmbeddings[i] = (float) random.nextGaussian();
        }
        lists = new int[queries][candidates];
        for (int q = 0; q < queries; q++) {
            for (int c = 0; c < candidates; c++) {
                lists[q][c] = c;
            }
        }
        positives = new int[queries];
        for (int q = 0; q < queries; q++) {
            positives[q] = q % candidates;
        }
        index = EmbeddingIndex.create(dim);
        index.add(candidateEmbeddings);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        index.close();
    }

    @Benchmark
    public int[] javaScorer() {
        return CandidateScorer.ranksOfPositives(queryEmbeddings, candidateEmbeddings, dim, lists);
    }

    @Benchmark
    public int[] javaScorerGlobal() {
        return CandidateScorer.globalRanksOfPositives(queryEmbeddings, candidateEmbeddings, dim, positives);
    }

    @Benchmark
    public SearchHits libtorchMatmulArgmax() {
        return index.search(queryEmbeddings, 1);
    }
}
