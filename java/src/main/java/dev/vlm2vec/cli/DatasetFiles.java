package dev.vlm2vec.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.vlm2vec.data.EvalRow;
import dev.vlm2vec.data.MmebJsonlReader;
import dev.vlm2vec.data.MmebParquet;
import dev.vlm2vec.data.TrainRow;
import dev.vlm2vec.eval.MetaTask;
import dev.vlm2vec.eval.MmebDataset;
import dev.vlm2vec.eval.MmebRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Stream;
import org.jspecify.annotations.NullMarked;
import org.jspecify.annotations.Nullable;

/**
 * Where each dataset's rows are, as {@code --data} names them: one file ({@code NAME.jsonl} or
 * {@code NAME.parquet}), or a directory holding such files or {@code NAME/} folders of parquet
 * files. Any name is a dataset: MMEB's and MMEB-mini's get their registry entry, others are the
 * user's own, with the meta-task {@code datasets.json} (or {@code .yaml}) beside the data or
 * {@code --task NAME=TASK} declares. Shared by {@code eval} and {@code train}.
 */
@NullMarked
final class DatasetFiles {

    /** The files beside the data that may declare meta-tasks, tried in this order. */
    static final List<String> DECLARATION_FILES = List.of("datasets.json", "datasets.yaml", "datasets.yml");

    private DatasetFiles() {}

    /**
     * @param only dataset names to keep (empty: all found); a name not found fails, listing those found
     * @param tasks meta-tasks by dataset name from {@code --task}, applied to the datasets found here (they win
     *     over the declaration file's); whether each names some dataset is the caller's check
     *     ({@link DataFlags#checkTasksFound}), since train's apply to its eval set too
     */
    static Map<MmebDataset, Path> find(MmebRegistry registry, Path source, List<String> only, Map<String, String> tasks)
            throws IOException {
        Map<String, Path> found = new LinkedHashMap<>();
        if (Files.isRegularFile(source)) {
            found.put(stem(source), source);
        } else if (Files.isDirectory(source)) {
            try (Stream<Path> entries = Files.list(source)) {
                entries.filter(DatasetFiles::isDataset).sorted().forEach(p -> found.putIfAbsent(stem(p), p));
            }
        } else {
            throw new IllegalArgumentException("--data " + source + " does not exist");
        }
        if (found.isEmpty()) {
            throw new IllegalArgumentException("no datasets (NAME.jsonl, NAME.parquet or a NAME/ folder of parquet files)"
                    + " found in " + source);
        }
        Map<String, String> declared = new LinkedHashMap<>(declarations(source));
        for (String name : declared.keySet()) {
            if (!found.containsKey(name)) {
                throw new IllegalArgumentException("a meta-task is declared for '" + name + "', but " + source
                        + " holds no such dataset; found: " + String.join(", ", found.keySet()));
            }
        }
        tasks.forEach((name, task) -> {
            if (found.containsKey(name)) {
                declared.put(name, task);
            }
        });
        for (String name : only) {
            if (!found.containsKey(name)) {
                throw new IllegalArgumentException("--datasets " + name + ": not found in " + source + "; found: "
                        + String.join(", ", found.keySet()));
            }
        }
        Map<MmebDataset, Path> files = new LinkedHashMap<>();
        for (Map.Entry<String, Path> entry : found.entrySet()) {
            String name = entry.getKey();
            if (only.isEmpty() || only.contains(name)) {
                files.put(describe(registry, name, declared.get(name)), entry.getValue());
            }
        }
        return files;
    }

    // A registry dataset keeps its entry (a declaration may only repeat its meta-task); any other is the user's.
    private static MmebDataset describe(MmebRegistry registry, String name, @Nullable String task) {
        @Nullable MetaTask declared = task == null ? null : parseTask(name, task);
        Optional<MmebDataset> known = registry.find(name);
        if (known.isPresent()) {
            if (declared != null && declared != known.get().metaTask()) {
                throw new IllegalArgumentException(name + " is an MMEB dataset of meta-task " + known.get().metaTaskTitle()
                        + "; it cannot be declared " + declared.title() + " (rename your dataset to make it your own)");
            }
            return known.get();
        }
        return MmebDataset.custom(name, declared);
    }

    private static MetaTask parseTask(String dataset, String task) {
        try {
            return MetaTask.parse(task);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("meta-task of " + dataset + ": " + e.getMessage(), e);
        }
    }

    /**
     * Meta-tasks declared beside the data: {@code {"MyShapes": "retrieval"}} or
     * {@code {"MyShapes": {"meta_task": "retrieval"}}} in {@code datasets.json} / {@code .yaml}.
     */
    static Map<String, String> declarations(Path source) throws IOException {
        Path folder = Files.isDirectory(source) ? source : source.toAbsolutePath().getParent();
        for (String name : DECLARATION_FILES) {
            Path file = folder.resolve(name);
            if (Files.isRegularFile(file)) {
                return readDeclarations(file);
            }
        }
        return Map.of();
    }

    private static Map<String, String> readDeclarations(Path file) throws IOException {
        ObjectMapper mapper = file.toString().endsWith(".json") ? new ObjectMapper() : new ObjectMapper(new YAMLFactory());
        JsonNode root;
        try {
            root = mapper.readTree(file.toFile());
        } catch (IOException e) {
            throw new IllegalArgumentException(file + " is not valid " + (file.toString().endsWith(".json") ? "JSON" : "YAML")
                    + ": " + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException(file + " must hold an object: {\"DatasetName\": {\"meta_task\": \"retrieval\"}}");
        }
        Map<String, String> tasks = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> entry = it.next();
            JsonNode value = entry.getValue();
            JsonNode task = value.isTextual() ? value : value.get("meta_task");
            if (task == null || !task.isTextual()) {
                throw new IllegalArgumentException(file + ": " + entry.getKey() + " needs \"meta_task\": one of"
                        + " classification, vqa, retrieval, grounding");
            }
            tasks.put(entry.getKey(), task.asText());
        }
        return tasks;
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

    // A dataset is a .jsonl or .parquet file or a folder of parquet files (so images/ and cache/ are not).
    private static boolean isDataset(Path entry) {
        String name = entry.getFileName().toString();
        if (Files.isRegularFile(entry)) {
            return name.endsWith(".jsonl") || name.endsWith(".parquet");
        }
        if (!Files.isDirectory(entry)) {
            return false;
        }
        try (Stream<Path> inside = Files.list(entry)) {
            return inside.anyMatch(p -> p.getFileName().toString().endsWith(".parquet"));
        } catch (IOException e) {
            return false;
        }
    }

    private static String stem(Path file) {
        return file.getFileName().toString().replaceFirst("\\.(jsonl|parquet)$", "");
    }
}
