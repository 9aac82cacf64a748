package dev.vlm2vec.ffi;

import dev.vlm2vec.ffi.internal.vlm2vec_h;
import dev.vlm2vec.ffi.internal.vlm2vec_random_checkpoint_info;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import org.jspecify.annotations.NullMarked;

/**
 * The weights of a random checkpoint of any size, real ones included, for the config.json of a
 * directory: the tensor names and shapes its backbone stores, in shards as save_pretrained cuts
 * them, written one tensor per {@link #writeNext()} (one tensor in memory at a time) so a caller
 * can show progress and stop between tensors. Closing before the end removes the shard in
 * progress; the shards already written stay, so callers write into a staging directory.
 */
@NullMarked
public final class NativeRandomCheckpoint implements AutoCloseable {

    /** What the plan holds and how far the writing is. */
    public record Info(long parameters, long totalBytes, long writtenBytes, long tensors, long shards, boolean done) {}

    private final OwnedHandle handle;

    private NativeRandomCheckpoint(OwnedHandle handle) {
        this.handle = handle;
    }

    /** Plans the checkpoint of {@code directory}/config.json; writes nothing yet. */
    public static NativeRandomCheckpoint open(Path directory, ModelDType dtype, long shardBytes, long seed) {
        NativeLibrary.load();
        try (Arena call = Arena.ofConfined()) {
            MemorySegment out = call.allocate(vlm2vec_h.C_POINTER);
            NativeException.check(vlm2vec_h.vlm2vec_random_checkpoint_open(call.allocateFrom(directory.toAbsolutePath().toString()),
                    dtype.code(), shardBytes, seed, out), "planning a random checkpoint for " + directory.resolve("config.json"));
            return new NativeRandomCheckpoint(new OwnedHandle(out.get(vlm2vec_h.C_POINTER, 0),
                    vlm2vec_h::vlm2vec_random_checkpoint_free, "NativeRandomCheckpoint"));
        }
    }

    public Info info() {
        try (Arena call = Arena.ofConfined()) {
            MemorySegment info = vlm2vec_random_checkpoint_info.allocate(call);
            NativeException.check(vlm2vec_h.vlm2vec_random_checkpoint_info_get(handle.get(), info), "reading the plan");
            return new Info(vlm2vec_random_checkpoint_info.parameters(info), vlm2vec_random_checkpoint_info.total_bytes(info),
                    vlm2vec_random_checkpoint_info.written_bytes(info), vlm2vec_random_checkpoint_info.tensors(info),
                    vlm2vec_random_checkpoint_info.shards(info), vlm2vec_random_checkpoint_info.done(info) != 0);
        }
    }

    /** Draws and writes the next tensor (after the last: the index and, if absent, a tokenizer). */
    public void writeNext() {
        NativeException.check(vlm2vec_h.vlm2vec_random_checkpoint_write_next(handle.get()), "writing the random checkpoint");
    }

    @Override
    public void close() {
        handle.close();
    }
}
