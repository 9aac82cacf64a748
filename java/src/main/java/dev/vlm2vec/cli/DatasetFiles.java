package dev.vlm2vec.cli;

import dev.vlm2vec.data.EvalRow;
import dev.vlm2vec.data.MmebJsonlReader;
import dev.vlm2vec.data.MmebParquet;
import dev.vlm2vec.data.TrainRow;
import dev.vlm2vec.eval.MmebDataset;
import dev.vlm2vec.eval.MmebRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.jspecify.annotations.NullMarked;

/**
 * Where each MMEB dataset's rows are, as {@code --data} names them: one file
 * ({@code {Dataset}.jsonl} or {@code .parquet}), or a directory holding such files or
 * {@code {Dataset}/} directories of parquet files. Shared by {@code eval} and {@code train}.
 */
@NullMarked
final class DatasetFiles {

    private DatasetFiles() {}

    /** @param only dataset names to keep (empty: all found); unknown names fail, listing the known ones */
    static Map<MmebDataset, Path> find(MmebRegistry registry, Path source, List<String> only) throws IOException {
        Map<MmebDataset, Path> files = new LinkedHashMap<>();
        if (Files.isRegularFile(source)) {
            files.put(registry.dataset(stem(source)), source);
        } else if (Files.isDirectory(source)) {
            try (Stream<Path> entries = Files.list(source)) {
                entries.filter(p -> registry.contains(stem(p)) && (p.toString().endsWith(".jsonl")
                                || p.toString().endsWith(".parquet") || Files.isDirectory(p))).sorted()
                        .forEach(p -> files.putIfAbsent(registry.dataset(stem(p)), p));
            }
        } else {
            throw new IllegalArgumentException("--data " + source + " does not exist");
        }
        if (!only.isEmpty()) {
            only.forEach(registry::dataset);
            files.keySet().removeIf(d -> !only.contains(d.name()));
        }
        if (files.isEmpty()) {
            throw new IllegalArgumentException("no MMEB datasets ({Dataset}.jsonl, .parquet or directory) found in " + source);
        }
        return files;
    }

    /** The eval rows of one dataset: a directory of parquet files, one parquet file, or JSONL. */
    static List<EvalRow> readEval(Path source) {
        return read(source, MmebParquet::readEval, MmebJsonlReader::readEval);
    }

    /** The train pairs of one dataset, in the same layouts as {@link #readEval}. */
    static List<TrainRow> readTrain(Path source) {
        return read(source, MmebParquet::readTrain, MmebJsonlReader::readTrain);
    }

    private static <T> List<T> read(Path source, Function<Path, List<T>> parquet, Function<Path, List<T>> jsonl) {
        if (Files.isDirectory(source)) {
            return parquet.apply(source.resolve("*.parquet"));
        }
        return source.toString().endsWith(".parquet") ? parquet.apply(source) : jsonl.apply(source);
    }

    /** The directory images are resolved against when {@code --image-root} is not given. */
    static Path defaultImageRoot(Path source) {
        return Files.isDirectory(source) ? source : source.toAbsolutePath().getParent();
    }

    private static String stem(Path file) {
        return file.getFileName().toString().replaceFirst("\\.(jsonl|parquet)$", "");
    }
}
