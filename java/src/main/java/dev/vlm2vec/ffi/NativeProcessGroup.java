package dev.vlm2vec.ffi;

import dev.vlm2vec.ffi.internal.vlm2vec_dist_options;
import dev.vlm2vec.ffi.internal.vlm2vec_h;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.time.Duration;
import org.jspecify.annotations.NullMarked;

/**
 * This process's end of a data-parallel job (c10d underneath: TCPStore rendezvous served by rank
 * 0, ProcessGroupGloo or ProcessGroupNCCL collectives). Every collective is called by every rank
 * in the same order and waits at most the group's timeout; a failure is a
 * {@link NativeException} naming the ranks that stopped answering. One thread at a time.
 */
@NullMarked
public final class NativeProcessGroup implements AutoCloseable {

    /**
     * @param device where the group's own small tensors live: "cpu" (gloo), "cuda:N" (nccl)
     * @param name store key prefix: groups of one job with different names do not meet
     */
    public record Options(int rank, int worldSize, String masterAddr, int masterPort, String backend, String device,
            String name, Duration timeout) {}

    private final OwnedHandle handle;
    private final Options options;

    private NativeProcessGroup(OwnedHandle handle, Options options) {
        this.handle = handle;
        this.options = options;
    }

    /** Joins: returns once every rank has, or fails after the timeout saying how many did. */
    public static NativeProcessGroup join(Options options) {
        NativeLibrary.load();
        try (Arena call = Arena.ofConfined()) {
            MemorySegment o = vlm2vec_dist_options.allocate(call);
            vlm2vec_dist_options.master_addr(o, call.allocateFrom(options.masterAddr()));
            vlm2vec_dist_options.backend(o, call.allocateFrom(options.backend()));
            vlm2vec_dist_options.device(o, call.allocateFrom(options.device()));
            vlm2vec_dist_options.name(o, call.allocateFrom(options.name()));
            vlm2vec_dist_options.rank(o, options.rank());
            vlm2vec_dist_options.world_size(o, options.worldSize());
            vlm2vec_dist_options.master_port(o, options.masterPort());
            vlm2vec_dist_options.timeout_ms(o, options.timeout().toMillis());
            MemorySegment out = call.allocate(vlm2vec_h.C_POINTER);
            NativeException.check(vlm2vec_h.vlm2vec_dist_create(o, out), "joining the process group at "
                    + options.masterAddr() + ":" + options.masterPort() + " as rank " + options.rank());
            return new NativeProcessGroup(new OwnedHandle(out.get(vlm2vec_h.C_POINTER, 0), vlm2vec_h::vlm2vec_dist_free,
                    "NativeProcessGroup"), options);
        }
    }

    public int rank() {
        return options.rank();
    }

    public int worldSize() {
        return options.worldSize();
    }

    public boolean isRankZero() {
        return options.rank() == 0;
    }

    /** All ranks meet; {@code what} names the place in a failure's message. */
    public void barrier(String what) {
        try (Arena call = Arena.ofConfined()) {
            NativeException.check(vlm2vec_h.vlm2vec_dist_barrier(handle.get(), call.allocateFrom(what)), what);
        }
    }

    /** The largest of the ranks' values. */
    public long max(long value) {
        try (Arena call = Arena.ofConfined()) {
            MemorySegment out = call.allocate(ValueLayout.JAVA_LONG);
            NativeException.check(vlm2vec_h.vlm2vec_dist_max(handle.get(), value, out), "agreeing with the other ranks");
            return out.get(ValueLayout.JAVA_LONG, 0);
        }
    }

    /** Whether any rank passes true. */
    public boolean any(boolean flag) {
        return max(flag ? 1 : 0) > 0;
    }

    /**
     * Every rank's {@code [rows, dim]} float rows ({@code local.length / dim} here, any count per
     * rank), concatenated in rank order.
     */
    public float[] allGather(float[] local, int dim) {
        if (dim < 1 || local.length % dim != 0) {
            throw new IllegalArgumentException("allGather: " + local.length + " floats are not rows of " + dim);
        }
        long rows = local.length / dim;
        try (Arena call = Arena.ofConfined()) {
            MemorySegment counts = call.allocate(ValueLayout.JAVA_LONG, worldSize());
            NativeException.check(vlm2vec_h.vlm2vec_dist_all_gather_counts(handle.get(), rows, counts, worldSize()),
                    "gathering row counts");
            long total = 0;
            for (int r = 0; r < worldSize(); r++) {
                total += counts.getAtIndex(ValueLayout.JAVA_LONG, r);
            }
            long floats = Math.multiplyExact(total, (long) dim);
            if (floats > Integer.MAX_VALUE - 8) {
                throw new IllegalArgumentException("allGather: " + total + " rows of " + dim + " do not fit one Java array");
            }
            MemorySegment in = call.allocate(ValueLayout.JAVA_FLOAT, Math.max(1, local.length));
            MemorySegment.copy(local, 0, in, ValueLayout.JAVA_FLOAT, 0, local.length);
            MemorySegment out = call.allocate(ValueLayout.JAVA_FLOAT, Math.max(1, floats));
            NativeException.check(vlm2vec_h.vlm2vec_dist_all_gather_f32(handle.get(), in, rows, dim, out, floats),
                    "gathering embeddings");
            return out.asSlice(0, floats * Float.BYTES).toArray(ValueLayout.JAVA_FLOAT);
        }
    }

    MemorySegment handle() {
        return handle.get();
    }

    @Override
    public void close() {
        handle.close();
    }
}
