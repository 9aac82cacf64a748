package dev.vlm2vec.ffi;

import dev.vlm2vec.ffi.internal.vlm2vec_h;
import java.lang.foreign.MemorySegment;
import org.jspecify.annotations.NullMarked;

/** A native call failed; carries the status code and the native layer's message. */
@NullMarked
public final class NativeException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final Status status;
    private final int code;

    public NativeException(String operation, int code, String nativeMessage) {
        super(operation + " failed (" + Status.of(code) + "): " + nativeMessage);
        this.status = Status.of(code);
        this.code = code;
    }

    public Status status() {
        return status;
    }

    /** The raw status code, useful when {@link #status()} is {@link Status#UNKNOWN}. */
    public int code() {
        return code;
    }

    /**
     * Throws unless {@code code} is {@code VLM2VEC_OK}. Must run on the thread that made the
     * call, right after it: the message is the native side's thread-local last error.
     */
    public static void check(int code, String operation) {
        if (code != vlm2vec_h.VLM2VEC_OK()) {
            throw new NativeException(operation, code, lastError());
        }
    }

    static String lastError() {
        MemorySegment message = vlm2vec_h.vlm2vec_last_error();
        return message.equals(MemorySegment.NULL) ? "" : message.getString(0);
    }
}
