package dev.vlm2vec.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.jspecify.annotations.NullMarked;

/** Writes a float32 matrix as a NumPy .npy file (format 1.0, C order), atomically. */
@NullMarked
public final class NpyWriter {

    private NpyWriter() {}

    public static void write(Path file, List<float[]> rows, int columns) throws IOException {
        String header = "{'descr': '<f4', 'fortran_order': False, 'shape': (" + rows.size() + ", " + columns + "), }";
        // Magic (6) + version (2) + length (2) + header + newline, padded to a multiple of 64.
        int unpadded = 10 + header.length() + 1;
        header = header + " ".repeat((64 - unpadded % 64) % 64) + "\n";
        String padded = header;
        AtomicFiles.write(file, out -> {
            out.write(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0});
            out.write(padded.length() & 0xff);
            out.write(padded.length() >> 8);
            out.write(padded.getBytes(StandardCharsets.US_ASCII));
            ByteBuffer buffer = ByteBuffer.allocate(columns * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
            for (float[] row : rows) {
                if (row.length != columns) {
                    throw new IllegalArgumentException("row of " + row.length + " values in a matrix of " + columns + " columns");
                }
                buffer.clear();
                buffer.asFloatBuffer().put(row);
                out.write(buffer.array());
            }
        });
    }
}
