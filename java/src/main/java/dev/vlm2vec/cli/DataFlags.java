package dev.vlm2vec.cli;

import dev.vlm2vec.eval.MmebDataset;
import dev.vlm2vec.eval.MmebRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.NullMarked;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Option;

/**
 * Which datasets a command reads, one spelling for eval and train (a picocli mixin): the data,
 * where its images are, a subset, meta-tasks of the user's own datasets, missing images.
 */
@NullMarked
final class DataFlags {

    @Option(names = "--data", paramLabel = "DIR_OR_FILE", description = "A NAME.jsonl or NAME.parquet file, or a folder of"
            + " them and of NAME/ folders of parquet files (the published layouts); any name, MMEB's or your own.")
    @Nullable Path data;

    @Option(names = "--image-root", paramLabel = "DIR", description = "Where image paths resolve; default: the data folder.")
    @Nullable Path imageRoot;

    @Option(names = "--datasets", paramLabel = "NAME,...", split = ",", description = "Only these datasets.")
    List<String> datasets = new ArrayList<>();

    @Option(names = "--task", paramLabel = "NAME=TASK", description = "Meta-task of your own dataset (classification, vqa,"
            + " retrieval, grounding), for the aggregates; repeatable; wins over datasets.json beside the data.")
    Map<String, String> tasks = new LinkedHashMap<>();

    @Option(names = "--skip-missing", description = "Skip (and count) rows whose image is missing instead of failing.")
    boolean skipMissing;

    /** The datasets under {@code source} (this command's {@code --data} or its default). */
    Map<MmebDataset, Path> find(MmebRegistry registry, Path source) throws IOException {
        return DatasetFiles.find(registry, source, datasets, tasks);
    }

    /** Every {@code --task} names a dataset of {@code found} (the data sets this command reads). */
    void checkTasksFound(java.util.Collection<MmebDataset> found) {
        for (String name : tasks.keySet()) {
            if (found.stream().noneMatch(d -> d.name().equals(name))) {
                throw new IllegalArgumentException("--task " + name + "=" + tasks.get(name) + ": no dataset is called "
                        + name + "; found: " + String.join(", ", found.stream().map(MmebDataset::name).toList()));
            }
        }
    }

    /** Where images of {@code source} resolve. */
    Path imageRoot(Path source) {
        return imageRoot != null ? imageRoot : DatasetFiles.defaultImageRoot(source);
    }

    /** Existence checks, before any work. */
    void check() {
        if (data != null && !Files.exists(data)) {
            throw new IllegalArgumentException("--data " + data + " does not exist");
        }
        if (imageRoot != null && !Files.isDirectory(imageRoot)) {
            throw new IllegalArgumentException("--image-root " + imageRoot + " is not a folder");
        }
    }
}
