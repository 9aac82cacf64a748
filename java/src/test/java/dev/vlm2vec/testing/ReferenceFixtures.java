package dev.vlm2vec.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vlm2vec.ffi.ModelBatch;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The Hugging Face reference fixtures (shared/fixtures/hf-reference beside the repository):
 * checkpoints, and cases with their inputs and expected embeddings.
 */
public final class ReferenceFixtures {

    private ReferenceFixtures() {}

    public static Path root() {
        Path root = Path.of(System.getProperty("vlm2vec.test.fixtures", "../../shared/fixtures/hf-reference"));
        if (!Files.isDirectory(root.resolve("cases"))) {
            throw new IllegalStateException("reference fixtures not found at " + root.toAbsolutePath());
        }
        return root;
    }

    /** The Qwen2-VL fixtures, beside hf-reference: shared/fixtures/hf-reference-qwen2vl. */
    public static Path qwen2vlRoot() {
        Path root = root().toAbsolutePath().getParent().resolve("hf-reference-qwen2vl");
        if (!Files.isDirectory(root.resolve("processor"))) {
            throw new IllegalStateException("Qwen2-VL reference fixtures not found at " + root);
        }
        return root;
    }

    /** A case of cases/ by its stem, or of another case folder as "folder/stem" (e.g. "llava-next-452/cases/n01_..."). */
    public static JsonNode readCase(String name) throws IOException {
        Path file = name.contains("/") ? root().resolve(name + ".json") : root().resolve("cases").resolve(name + ".json");
        return new ObjectMapper().readTree(file.toFile());
    }

    public static long[][] longMatrix(JsonNode rows) {
        long[][] result = new long[rows.size()][];
        for (int r = 0; r < rows.size(); r++) {
            result[r] = new long[rows.get(r).size()];
            for (int c = 0; c < result[r].length; c++) {
                result[r][c] = rows.get(r).get(c).asLong();
            }
        }
        return result;
    }

    public static float[] flatFloats(JsonNode rows) {
        List<Float> values = new ArrayList<>();
        rows.forEach(row -> row.forEach(value -> values.add((float) value.asDouble())));
        float[] result = new float[values.size()];
        for (int i = 0; i < result.length; i++) {
            result[i] = values.get(i);
        }
        return result;
    }

    /** The case's batch: token rows, and the image examples' pixel values in batch order. */
    public static ModelBatch batch(JsonNode theCase, Arena arena) throws IOException {
        List<Npz.Array> images = new ArrayList<>();
        for (JsonNode file : theCase.get("pixel_values")) {
            if (!file.isNull()) {
                images.add(Npz.read(root().resolve(file.asText())).get("pixel_values"));
            }
        }
        return batch(theCase, images, arena);
    }

    /** As {@link #batch(JsonNode, Arena)}, with the image examples' pixel values given ([views, C, H, W] each). */
    public static ModelBatch batch(JsonNode theCase, List<Npz.Array> images, Arena arena) {
        long[][] ids = longMatrix(theCase.get("input_ids"));
        long[][] mask = longMatrix(theCase.get("attention_mask"));
        List<long[]> sizes = new ArrayList<>();
        for (JsonNode size : theCase.path("image_sizes")) {
            if (!size.isNull()) {
                sizes.add(new long[] {size.get(0).asLong(), size.get(1).asLong()});
            }
        }
        if (images.isEmpty()) {
            return ModelBatch.ofText(ids, mask, arena);
        }
        // Images with fewer views than the batch's largest are zero-padded along the view axis.
        long[] view = images.get(0).shape();
        long views = images.stream().mapToLong(image -> image.shape()[0]).max().orElseThrow();
        long perView = view[1] * view[2] * view[3];
        float[] pixels = new float[(int) (images.size() * views * perView)];
        for (int i = 0; i < images.size(); i++) {
            float[] values = images.get(i).values();
            System.arraycopy(values, 0, pixels, (int) (i * views * perView), values.length);
        }
        return ModelBatch.withImages(ids, mask, pixels, new long[] {images.size(), views, view[1], view[2], view[3]},
                sizes.toArray(long[][]::new), arena);
    }
}
