package dev.vlm2vec.processing;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.jspecify.annotations.NullMarked;
import org.jspecify.annotations.Nullable;

/**
 * The chunks of a PNG file up to IEND, and whether the file ends where they say it should.
 *
 * @param damage what is missing, in words, when a chunk runs past the end of the file or the
 *     file ends before IEND; null for a whole file
 */
@NullMarked
record PngChunks(List<Chunk> chunks, @Nullable String damage) {

    /** One chunk: its type and where its data starts, and how long it is. */
    record Chunk(String type, int start, int length) {}

    static PngChunks read(byte[] file) {
        List<Chunk> chunks = new ArrayList<>();
        int at = ImageFormat.of(file) == ImageFormat.PNG ? 8 : file.length;
        while (at + 8 <= file.length) {
            long length = (file[at] & 0xffL) << 24 | (file[at + 1] & 0xff) << 16 | (file[at + 2] & 0xff) << 8
                    | (file[at + 3] & 0xff);
            String type = new String(file, at + 4, 4, StandardCharsets.US_ASCII);
            if (at + 12 + length > file.length) {
                return new PngChunks(List.copyOf(chunks), String.format(Locale.ROOT, "its %s chunk at byte %d needs %d"
                        + " bytes, %d remain", type, at, 12 + length, file.length - at));
            }
            chunks.add(new Chunk(type, at + 8, (int) length));
            if (type.equals("IEND")) {
                return new PngChunks(List.copyOf(chunks), null);
            }
            at += 12 + (int) length;
        }
        return new PngChunks(List.copyOf(chunks), "it ends before the IEND chunk");
    }

    Optional<Chunk> first(String type) {
        return chunks.stream().filter(chunk -> chunk.type().equals(type)).findFirst();
    }
}
