package dev.vlm2vec.eval;

import dev.vlm2vec.io.AtomicFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.NullMarked;

/**
 * Embeddings of a dataset kept on disk, so an interrupted evaluation resumes where it
 * stopped: one file per dataset and side, named by a fingerprint of the model and of the
 * exact items embedded, written atomically. A changed model or data set misses the cache.
 */
@NullMarked
final class EmbeddingCache {

    private final Path directory;
    private final String modelFingerprint;

    EmbeddingCache(Path directory, String modelFingerprint) {
        this.directory = directory;
        this.modelFingerprint = modelFingerprint;
    }

    Path file(String dataset, String side, List<String> itemKeys) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            digest.update(modelFingerprint.getBytes(StandardCharsets.UTF_8));
            for (String key : itemKeys) {
                digest.update((key + "\u0000").getBytes(StandardCharsets.UTF_8));
            }
            String hash = HexFormat.of().formatHex(digest.digest()).substring(0, 16);
            return directory.resolve(dataset + "." + side + "." + hash + ".f32");
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    Optional<float[]> read(Path file, int count, int dim) {
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            byte[] bytes = Files.readAllBytes(file);
            if (bytes.length != (long) count * dim * Float.BYTES) {
                return Optional.empty();  // from an older layout or truncated: recompute
            }
            float[] values = new float[count * dim];
            ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(values);
            return Optional.of(values);
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    void write(Path file, float[] values) {
        try {
            Files.createDirectories(directory);
            ByteBuffer buffer = ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
            buffer.asFloatBuffer().put(values);
            AtomicFiles.write(file, buffer.array());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the embedding cache " + file, e);
        }
    }
}
