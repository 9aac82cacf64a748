package dev.vlm2vec.ffi;

import org.jspecify.annotations.NullMarked;

/** Which BLAS libtorch calls ({@code enum vlm2vec_blas_kind}). */
@NullMarked
public enum BlasKind {
    UNKNOWN,
    OPENBLAS,
    MKL,
    /** The netlib reference BLAS: correct, but about 30x slower than OpenBLAS for the model's matrix products. */
    REFERENCE,
    OTHER;

    static BlasKind of(int code) {
        BlasKind[] kinds = values();
        return code >= 0 && code < kinds.length ? kinds[code] : UNKNOWN;
    }
}
