package dev.vlm2vec.ffi;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.function.Consumer;
import org.jspecify.annotations.NullMarked;

/**
 * A native object with exactly one Java owner: its pointer is bound to a shared arena whose
 * closing runs the native free function once, and every use after closing is refused with
 * a message naming the owner instead of reaching native code.
 */
@NullMarked
final class OwnedHandle {

    private final Arena arena = Arena.ofShared();
    private final MemorySegment handle;
    private final String owner;
    private volatile boolean closed;

    /** Takes ownership of {@code pointer}; {@code free} runs when this handle is closed. */
    OwnedHandle(MemorySegment pointer, Consumer<MemorySegment> free, String owner) {
        this.handle = pointer.reinterpret(arena, free);
        this.owner = owner;
    }

    /** The pointer, for a downcall; throws once closed. */
    MemorySegment get() {
        if (closed) {
            throw new IllegalStateException("this " + owner + " has been closed");
        }
        return handle;
    }

    /** Frees the native object; later calls do nothing. Callers serialise this with their uses. */
    void close() {
        if (!closed) {
            closed = true;
            arena.close();
        }
    }
}
