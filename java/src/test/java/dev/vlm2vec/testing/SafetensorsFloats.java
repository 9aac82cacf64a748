package dev.vlm2vec.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;

/** The F32 tensors of a .safetensors file by name, flattened, for comparing checkpoints in tests. */
public final class SafetensorsFloats {

    private SafetensorsFloats() {}

    public static Map<String, float[]> read(Path file) throws IOException {
        ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        int headerLength = Math.toIntExact(bytes.getLong(0));
        JsonNode header = new ObjectMapper().readTree(new String(bytes.array(), 8, headerLength, StandardCharsets.UTF_8));
        Map<String, float[]> tensors = new TreeMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = header.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> entry = it.next();
            if (entry.getKey().equals("__metadata__")) {
                continue;
            }
            if (!entry.getValue().get("dtype").asText().equals("F32")) {
                throw new IOException(file + ": " + entry.getKey() + " is " + entry.getValue().get("dtype") + ", not F32");
            }
            long begin = entry.getValue().get("data_offsets").get(0).asLong();
            long end = entry.getValue().get("data_offsets").get(1).asLong();
            float[] values = new float[Math.toIntExact((end - begin) / 4)];
            int base = 8 + headerLength + Math.toIntExact(begin);
            for (int i = 0; i < values.length; i++) {
                values[i] = bytes.getFloat(base + 4 * i);
            }
            tensors.put(entry.getKey(), values);
        }
        return tensors;
    }

    /** max |a - b| / max |b| over the tensor (0 when both are all zeros). */
    public static double maxRelativeDifference(float[] a, float[] b) {
        double difference = 0, scale = 0;
        for (int i = 0; i < b.length; i++) {
            difference = Math.max(difference, Math.abs((double) a[i] - b[i]));
            scale = Math.max(scale, Math.abs(b[i]));
        }
        return scale == 0 ? difference : difference / scale;
    }
}
