package dev.vlm2vec.eval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.jspecify.annotations.NullMarked;

/**
 * The 36 MMEB datasets, the synthetic MMEB-mini ones and the paper's reference results, read from the data file
 * {@code dev/vlm2vec/mmeb/datasets.json} (no per-dataset code).
 */
@NullMarked
public final class MmebRegistry {

    private static final String RESOURCE = "/dev/vlm2vec/mmeb/datasets.json";

    /** A row of the paper's Table 2 (Precision@1, %). */
    public record ReferenceResult(String model, Map<MetaTask, Double> metaTasks, double ind, double ood, double overall) {}

    private final Map<String, MmebDataset> datasets;
    private final Map<String, MmebDataset> synthetic;
    private final List<ReferenceResult> references;

    private MmebRegistry(Map<String, MmebDataset> datasets, Map<String, MmebDataset> synthetic,
            List<ReferenceResult> references) {
        this.datasets = datasets;
        this.synthetic = synthetic;
        this.references = references;
    }

    /** The registry; read once per JVM (it is immutable), so every command and report shares one. */
    public static MmebRegistry load() {
        return Loaded.REGISTRY;
    }

    // Initialised on first use, by the class loader's guarantee: one read, thread-safe.
    private static final class Loaded {
        static final MmebRegistry REGISTRY = read();
    }

    private static MmebRegistry read() {
        JsonNode root;
        try (InputStream in = MmebRegistry.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing from the classpath");
            }
            root = new ObjectMapper().readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + RESOURCE, e);
        }
        Map<String, MmebDataset> datasets = parse(root.get("datasets"), MmebDataset.Origin.MMEB);
        Map<String, MmebDataset> synthetic = parse(root.get("synthetic_datasets"), MmebDataset.Origin.SYNTHETIC);
        List<ReferenceResult> references = new ArrayList<>();
        for (JsonNode r : root.get("reference_results")) {
            Map<MetaTask, Double> perTask = new LinkedHashMap<>();
            for (MetaTask task : MetaTask.values()) {
                perTask.put(task, r.get(task.key()).asDouble());
            }
            perTask = java.util.Collections.unmodifiableMap(perTask);
            references.add(new ReferenceResult(r.get("model").asText(), perTask, r.get("IND").asDouble(),
                    r.get("OOD").asDouble(), r.get("overall").asDouble()));
        }
        return new MmebRegistry(datasets, synthetic, List.copyOf(references));
    }

    private static Map<String, MmebDataset> parse(JsonNode list, MmebDataset.Origin origin) {
        Map<String, MmebDataset> parsed = new LinkedHashMap<>();
        for (JsonNode d : list) {
            MmebDataset dataset = new MmebDataset(d.get("name").asText(), origin, MetaTask.parse(d.get("meta_task").asText()),
                    d.get("split").asText().equals("IND"), d.get("query_modality").asText(),
                    d.get("target_modality").asText(), d.get("query_instruction").asText(),
                    d.get("target_instruction").isNull() ? null : d.get("target_instruction").asText());
            parsed.put(dataset.name(), dataset);
        }
        return parsed;
    }

    /** The datasets of the synthetic MMEB-mini set (one per task kind, all four meta-tasks). */
    public List<MmebDataset> syntheticDatasets() {
        return List.copyOf(synthetic.values());
    }

    public List<MmebDataset> datasets() {
        return List.copyOf(datasets.values());
    }

    /** The dataset called {@code name}; an unknown name is an error listing the known ones. */
    public MmebDataset dataset(String name) {
        MmebDataset dataset = datasets.containsKey(name) ? datasets.get(name) : synthetic.get(name);
        if (dataset == null) {
            throw new IllegalArgumentException("unknown MMEB dataset '" + name + "'; known: "
                    + datasets.keySet().stream().collect(Collectors.joining(", ")));
        }
        return dataset;
    }

    /** The MMEB or MMEB-mini dataset called {@code name}, if it is one. */
    public java.util.Optional<MmebDataset> find(String name) {
        return java.util.Optional.ofNullable(datasets.containsKey(name) ? datasets.get(name) : synthetic.get(name));
    }

    public boolean contains(String name) {
        return datasets.containsKey(name) || synthetic.containsKey(name);
    }

    public List<ReferenceResult> referenceResults() {
        return references;
    }
}
