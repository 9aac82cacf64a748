package dev.vlm2vec.ffi;

import org.jspecify.annotations.NullMarked;

/** Status codes of the C ABI ({@code enum vlm2vec_status} in {@code vlm2vec.h}). */
@NullMarked
public enum Status {
    OK(0),
    INVALID_ARGUMENT(1),
    NULL_POINTER(2),
    BAD_HANDLE(3),
    OUT_OF_MEMORY(4),
    IO(5),
    UNSUPPORTED(6),
    TORCH(7),
    INTERNAL(8),
    /** A model directory is incomplete or inconsistent (missing or mis-shaped tensors, bad config). */
    BAD_MODEL(9),
    /** A code this version of the bindings does not know: the library is newer than the jar. */
    UNKNOWN(-1);

    private final int code;

    Status(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    public static Status of(int code) {
        for (Status status : values()) {
            if (status.code == code) {
                return status;
            }
        }
        return UNKNOWN;
    }
}
