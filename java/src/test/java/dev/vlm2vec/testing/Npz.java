package dev.vlm2vec.testing;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/** Reads float32 arrays from NumPy .npz files (the reference fixtures' format). */
public final class Npz {

    /** A float32 array and its shape. */
    public record Array(long[] shape, float[] values) {}

    private Npz() {}

    public static Map<String, Array> read(Path path) throws IOException {
        Map<String, Array> arrays = new HashMap<>();
        try (InputStream file = Files.newInputStream(path); ZipInputStream zip = new ZipInputStream(file)) {
            for (ZipEntry entry; (entry = zip.getNextEntry()) != null; ) {
                String name = entry.getName().replaceFirst("\\.npy$", "");
                arrays.put(name, parseNpy(zip.readAllBytes(), path + ":" + name));
            }
        }
        return arrays;
    }

    private static Array parseNpy(byte[] bytes, String where) {
        ByteBuffer buffer = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        if (bytes.length < 10 || bytes[0] != (byte) 0x93 || !new String(bytes, 1, 5, StandardCharsets.US_ASCII).equals("NUMPY")) {
            throw new IllegalArgumentException(where + " is not a .npy member");
        }
        int major = bytes[6];
        int headerLength = major == 1 ? Short.toUnsignedInt(buffer.getShort(8)) : buffer.getInt(8);
        int headerStart = major == 1 ? 10 : 12;
        String header = new String(bytes, headerStart, headerLength, StandardCharsets.US_ASCII);
        if (!header.contains("'descr': '<f4'") || !header.contains("'fortran_order': False")) {
            throw new IllegalArgumentException(where + ": only little-endian float32 in C order is supported: " + header);
        }
        Matcher shapeText = Pattern.compile("'shape': \\(([^)]*)\\)").matcher(header);
        if (!shapeText.find()) {
            throw new IllegalArgumentException(where + ": no shape in " + header);
        }
        long[] shape = Arrays.stream(shapeText.group(1).split(","))
                .map(String::trim).filter(s -> !s.isEmpty()).mapToLong(Long::parseLong).toArray();
        int count = (int) Arrays.stream(shape).reduce(1, (a, b) -> a * b);
        float[] values = new float[count];
        buffer.position(headerStart + headerLength);
        buffer.asFloatBuffer().get(values);
        return new Array(shape, values);
    }
}
