// Bindings for native/include/vlm2vec.h, kept in the shape jextract 22 generates
// (jextract --target-package dev.vlm2vec.ffi.internal --header-class-name vlm2vec_h
// native/include/vlm2vec.h). jextract is not obtainable from this project's registries, so
// this file is maintained by hand; BindingsMatchHeaderTest fails when a function declared
// in the header has no binding here with a matching FunctionDescriptor.

package dev.vlm2vec.ffi.internal;

import java.lang.invoke.*;
import java.lang.foreign.*;
import java.util.*;
import java.util.stream.*;

import static java.lang.foreign.ValueLayout.*;
import static java.lang.foreign.MemoryLayout.PathElement.*;

@SuppressWarnings("unused")
public class vlm2vec_h {

    vlm2vec_h() {
        // Should not be called directly
    }

    static final Arena LIBRARY_ARENA = Arena.ofAuto();
    static final boolean TRACE_DOWNCALLS = Boolean.getBoolean("jextract.trace.downcalls");

    static void traceDowncall(String name, Object... args) {
         String traceArgs = Arrays.stream(args)
                       .map(Object::toString)
                       .collect(Collectors.joining(", "));
         System.out.printf("%s(%s)\n", name, traceArgs);
    }

    static MemorySegment findOrThrow(String symbol) {
        return SYMBOL_LOOKUP.find(symbol)
            .orElseThrow(() -> new UnsatisfiedLinkError("unresolved symbol: " + symbol));
    }

    static MethodHandle upcallHandle(Class<?> fi, String name, FunctionDescriptor fdesc) {
        try {
            return MethodHandles.lookup().findVirtual(fi, name, fdesc.toMethodType());
        } catch (ReflectiveOperationException ex) {
            throw new AssertionError(ex);
        }
    }

    static MemoryLayout align(MemoryLayout layout, long align) {
        return switch (layout) {
            case PaddingLayout p -> p;
            case ValueLayout v -> v.withByteAlignment(align);
            case GroupLayout g -> {
                MemoryLayout[] alignedMembers = g.memberLayouts().stream()
                        .map(m -> align(m, align)).toArray(MemoryLayout[]::new);
                yield g instanceof StructLayout ?
                        MemoryLayout.structLayout(alignedMembers) : MemoryLayout.unionLayout(alignedMembers);
            }
            case SequenceLayout s -> MemoryLayout.sequenceLayout(s.elementCount(), align(s.elementLayout(), align));
        };
    }

    // The library is loaded with System.load by dev.vlm2vec.ffi.NativeLibrary before any
    // binding is used, so the class loader's lookup finds its symbols.
    static final SymbolLookup SYMBOL_LOOKUP = SymbolLookup.loaderLookup()
            .or(Linker.nativeLinker().defaultLookup());

    public static final ValueLayout.OfBoolean C_BOOL = ValueLayout.JAVA_BOOLEAN;
    public static final ValueLayout.OfByte C_CHAR = ValueLayout.JAVA_BYTE;
    public static final ValueLayout.OfShort C_SHORT = ValueLayout.JAVA_SHORT;
    public static final ValueLayout.OfInt C_INT = ValueLayout.JAVA_INT;
    public static final ValueLayout.OfLong C_LONG_LONG = ValueLayout.JAVA_LONG;
    public static final ValueLayout.OfFloat C_FLOAT = ValueLayout.JAVA_FLOAT;
    public static final ValueLayout.OfDouble C_DOUBLE = ValueLayout.JAVA_DOUBLE;
    public static final AddressLayout C_POINTER = ValueLayout.ADDRESS
            .withTargetLayout(MemoryLayout.sequenceLayout(java.lang.Long.MAX_VALUE, JAVA_BYTE));
    public static final ValueLayout.OfLong C_LONG = ValueLayout.JAVA_LONG;
    private static final int VLM2VEC_ABI_VERSION = (int)3L;
    /**
     * {@snippet lang=c :
     * #define VLM2VEC_ABI_VERSION 3
     * }
     */
    public static int VLM2VEC_ABI_VERSION() {
        return VLM2VEC_ABI_VERSION;
    }
    private static final int VLM2VEC_OK = (int)0L;
    /**
     * {@snippet lang=c :
     * enum vlm2vec_status.VLM2VEC_OK = 0
     * }
     */
    public static int VLM2VEC_OK() {
        return VLM2VEC_OK;
    }
    private static final int VLM2VEC_ERR_INVALID_ARGUMENT = (int)1L;
    /**
     * {@snippet lang=c :
     * enum vlm2vec_status.VLM2VEC_ERR_INVALID_ARGUMENT = 1
     * }
     */
    public static int VLM2VEC_ERR_INVALID_ARGUMENT() {
        return VLM2VEC_ERR_INVALID_ARGUMENT;
    }
    private static final int VLM2VEC_ERR_NULL_POINTER = (int)2L;
    /**
     * {@snippet lang=c :
     * enum vlm2vec_status.VLM2VEC_ERR_NULL_POINTER = 2
     * }
     */
    public static int VLM2VEC_ERR_NULL_POINTER() {
        return VLM2VEC_ERR_NULL_POINTER;
    }
    private static final int VLM2VEC_ERR_BAD_HANDLE = (int)3L;
    /**
     * {@snippet lang=c :
     * enum vlm2vec_status.VLM2VEC_ERR_BAD_HANDLE = 3
     * }
     */
    public static int VLM2VEC_ERR_BAD_HANDLE() {
        return VLM2VEC_ERR_BAD_HANDLE;
    }
    private static final int VLM2VEC_ERR_OUT_OF_MEMORY = (int)4L;
    /**
     * {@snippet lang=c :
     * enum vlm2vec_status.VLM2VEC_ERR_OUT_OF_MEMORY = 4
     * }
     */
    public static int VLM2VEC_ERR_OUT_OF_MEMORY() {
        return VLM2VEC_ERR_OUT_OF_MEMORY;
    }
    private static final int VLM2VEC_ERR_IO = (int)5L;
    /**
     * {@snippet lang=c :
     * enum vlm2vec_status.VLM2VEC_ERR_IO = 5
     * }
     */
    public static int VLM2VEC_ERR_IO() {
        return VLM2VEC_ERR_IO;
    }
    private static final int VLM2VEC_ERR_UNSUPPORTED = (int)6L;
    /**
     * {@snippet lang=c :
     * enum vlm2vec_status.VLM2VEC_ERR_UNSUPPORTED = 6
     * }
     */
    public static int VLM2VEC_ERR_UNSUPPORTED() {
        return VLM2VEC_ERR_UNSUPPORTED;
    }
    private static final int VLM2VEC_ERR_TORCH = (int)7L;
    /**
     * {@snippet lang=c :
     * enum vlm2vec_status.VLM2VEC_ERR_TORCH = 7
     * }
     */
    public static int VLM2VEC_ERR_TORCH() {
        return VLM2VEC_ERR_TORCH;
    }
    private static final int VLM2VEC_ERR_INTERNAL = (int)8L;
    /**
     * {@snippet lang=c :
     * enum vlm2vec_status.VLM2VEC_ERR_INTERNAL = 8
     * }
     */
    public static int VLM2VEC_ERR_INTERNAL() {
        return VLM2VEC_ERR_INTERNAL;
    }
    private static final int VLM2VEC_ERR_BAD_MODEL = (int)9L;
    /**
     * {@snippet lang=c :
     * enum vlm2vec_status.VLM2VEC_ERR_BAD_MODEL = 9
     * }
     */
    public static int VLM2VEC_ERR_BAD_MODEL() {
        return VLM2VEC_ERR_BAD_MODEL;
    }
    private static final int VLM2VEC_BLAS_UNKNOWN = (int)0L;
    /**
     * {@snippet lang=c :
     * enum vlm2vec_blas_kind.VLM2VEC_BLAS_UNKNOWN = 0
     * }
     */
    public static int VLM2VEC_BLAS_UNKNOWN() {
        return VLM2VEC_BLAS_UNKNOWN;
    }
    private static final int VLM2VEC_BLAS_OPENBLAS = (int)1L;
    /**
     * {@snippet lang=c :
     * enum vlm2vec_blas_kind.VLM2VEC_BLAS_OPENBLAS = 1
     * }
     */
    public static int VLM2VEC_BLAS_OPENBLAS() {
        return VLM2VEC_BLAS_OPENBLAS;
    }
    private static final int VLM2VEC_BLAS_MKL = (int)2L;
    /**
     * {@snippet lang=c :
     * enum vlm2vec_blas_kind.VLM2VEC_BLAS_MKL = 2
     * }
     */
    public static int VLM2VEC_BLAS_MKL() {
        return VLM2VEC_BLAS_MKL;
    }
    private static final int VLM2VEC_BLAS_REFERENCE = (int)3L;
    /**
     * {@snippet lang=c :
     * enum vlm2vec_blas_kind.VLM2VEC_BLAS_REFERENCE = 3
     * }
     */
    public static int VLM2VEC_BLAS_REFERENCE() {
        return VLM2VEC_BLAS_REFERENCE;
    }
    private static final int VLM2VEC_BLAS_OTHER = (int)4L;
    /**
     * {@snippet lang=c :
     * enum vlm2vec_blas_kind.VLM2VEC_BLAS_OTHER = 4
     * }
     */
    public static int VLM2VEC_BLAS_OTHER() {
        return VLM2VEC_BLAS_OTHER;
    }
    private static final int VLM2VEC_DTYPE_FLOAT32 = (int)0L;
    /**
     * {@snippet lang=c :
     * enum vlm2vec_dtype.VLM2VEC_DTYPE_FLOAT32 = 0
     * }
     */
    public static int VLM2VEC_DTYPE_FLOAT32() {
        return VLM2VEC_DTYPE_FLOAT32;
    }
    private static final int VLM2VEC_DTYPE_BFLOAT16 = (int)1L;
    /**
     * {@snippet lang=c :
     * enum vlm2vec_dtype.VLM2VEC_DTYPE_BFLOAT16 = 1
     * }
     */
    public static int VLM2VEC_DTYPE_BFLOAT16() {
        return VLM2VEC_DTYPE_BFLOAT16;
    }
    private static final int VLM2VEC_DTYPE_FLOAT16 = (int)2L;
    /**
     * {@snippet lang=c :
     * enum vlm2vec_dtype.VLM2VEC_DTYPE_FLOAT16 = 2
     * }
     */
    public static int VLM2VEC_DTYPE_FLOAT16() {
        return VLM2VEC_DTYPE_FLOAT16;
    }

    private static class vlm2vec_abi_version {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
            vlm2vec_h.C_INT
        );

        public static final MemorySegment ADDR = vlm2vec_h.findOrThrow("vlm2vec_abi_version");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    /**
     * Function descriptor for:
     * {@snippet lang=c :
     * int32_t vlm2vec_abi_version()
     * }
     */
    public static FunctionDescriptor vlm2vec_abi_version$descriptor() {
        return vlm2vec_abi_version.DESC;
    }

    /**
     * Downcall method handle for:
     * {@snippet lang=c :
     * int32_t vlm2vec_abi_version()
     * }
     */
    public static MethodHandle vlm2vec_abi_version$handle() {
        return vlm2vec_abi_version.HANDLE;
    }

    /**
     * Address for:
     * {@snippet lang=c :
     * int32_t vlm2vec_abi_version()
     * }
     */
    public static MemorySegment vlm2vec_abi_version$address() {
        return vlm2vec_abi_version.ADDR;
    }

    /**
     * {@snippet lang=c :
     * int32_t vlm2vec_abi_version()
     * }
     */
    public static int vlm2vec_abi_version() {
        var mh$ = vlm2vec_abi_version.HANDLE;
        try {
            if (TRACE_DOWNCALLS) {
                traceDowncall("vlm2vec_abi_version");
            }
            return (int)mh$.invokeExact();
        } catch (Error | RuntimeException ex) {
           throw ex;
        } catch (Throwable ex$) {
           throw new AssertionError("should not reach here", ex$);
        }
    }
    private static class vlm2vec_version {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
            vlm2vec_h.C_POINTER
        );

        public static final MemorySegment ADDR = vlm2vec_h.findOrThrow("vlm2vec_version");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    /**
     * Function descriptor for:
     * {@snippet lang=c :
     * const char *vlm2vec_version()
     * }
     */
    public static FunctionDescriptor vlm2vec_version$descriptor() {
        return vlm2vec_version.DESC;
    }

    /**
     * Downcall method handle for:
     * {@snippet lang=c :
     * const char *vlm2vec_version()
     * }
     */
    public static MethodHandle vlm2vec_version$handle() {
        return vlm2vec_version.HANDLE;
    }

    /**
     * Address for:
     * {@snippet lang=c :
     * const char *vlm2vec_version()
     * }
     */
    public static MemorySegment vlm2vec_version$address() {
        return vlm2vec_version.ADDR;
    }

    /**
     * {@snippet lang=c :
     * const char *vlm2vec_version()
     * }
     */
    public static MemorySegment vlm2vec_version() {
        var mh$ = vlm2vec_version.HANDLE;
        try {
            if (TRACE_DOWNCALLS) {
                traceDowncall("vlm2vec_version");
            }
            return (MemorySegment)mh$.invokeExact();
        } catch (Error | RuntimeException ex) {
           throw ex;
        } catch (Throwable ex$) {
           throw new AssertionError("should not reach here", ex$);
        }
    }
    private static class vlm2vec_last_error {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
            vlm2vec_h.C_POINTER
        );

        public static final MemorySegment ADDR = vlm2vec_h.findOrThrow("vlm2vec_last_error");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    /**
     * Function descriptor for:
     * {@snippet lang=c :
     * const char *vlm2vec_last_error()
     * }
     */
    public static FunctionDescriptor vlm2vec_last_error$descriptor() {
        return vlm2vec_last_error.DESC;
    }

    /**
     * Downcall method handle for:
     * {@snippet lang=c :
     * const char *vlm2vec_last_error()
     * }
     */
    public static MethodHandle vlm2vec_last_error$handle() {
        return vlm2vec_last_error.HANDLE;
    }

    /**
     * Address for:
     * {@snippet lang=c :
     * const char *vlm2vec_last_error()
     * }
     */
    public static MemorySegment vlm2vec_last_error$address() {
        return vlm2vec_last_error.ADDR;
    }

    /**
     * {@snippet lang=c :
     * const char *vlm2vec_last_error()
     * }
     */
    public static MemorySegment vlm2vec_last_error() {
        var mh$ = vlm2vec_last_error.HANDLE;
        try {
            if (TRACE_DOWNCALLS) {
                traceDowncall("vlm2vec_last_error");
            }
            return (MemorySegment)mh$.invokeExact();
        } catch (Error | RuntimeException ex) {
           throw ex;
        } catch (Throwable ex$) {
           throw new AssertionError("should not reach here", ex$);
        }
    }
    private static class vlm2vec_status_name {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
            vlm2vec_h.C_POINTER,
            vlm2vec_h.C_INT
        );

        public static final MemorySegment ADDR = vlm2vec_h.findOrThrow("vlm2vec_status_name");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    /**
     * Function descriptor for:
     * {@snippet lang=c :
     * const char *vlm2vec_status_name(int32_t status)
     * }
     */
    public static FunctionDescriptor vlm2vec_status_name$descriptor() {
        return vlm2vec_status_name.DESC;
    }

    /**
     * Downcall method handle for:
     * {@snippet lang=c :
     * const char *vlm2vec_status_name(int32_t status)
     * }
     */
    public static MethodHandle vlm2vec_status_name$handle() {
        return vlm2vec_status_name.HANDLE;
    }

    /**
     * Address for:
     * {@snippet lang=c :
     * const char *vlm2vec_status_name(int32_t status)
     * }
     */
    public static MemorySegment vlm2vec_status_name$address() {
        return vlm2vec_status_name.ADDR;
    }

    /**
     * {@snippet lang=c :
     * const char *vlm2vec_status_name(int32_t status)
     * }
     */
    public static MemorySegment vlm2vec_status_name(int status) {
        var mh$ = vlm2vec_status_name.HANDLE;
        try {
            if (TRACE_DOWNCALLS) {
                traceDowncall("vlm2vec_status_name", status);
            }
            return (MemorySegment)mh$.invokeExact(status);
        } catch (Error | RuntimeException ex) {
           throw ex;
        } catch (Throwable ex$) {
           throw new AssertionError("should not reach here", ex$);
        }
    }
    private static class vlm2vec_runtime_info_get {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
            vlm2vec_h.C_INT,
            vlm2vec_h.C_POINTER
        );

        public static final MemorySegment ADDR = vlm2vec_h.findOrThrow("vlm2vec_runtime_info_get");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    /**
     * Function descriptor for:
     * {@snippet lang=c :
     * int32_t vlm2vec_runtime_info_get(vlm2vec_runtime_info *out)
     * }
     */
    public static FunctionDescriptor vlm2vec_runtime_info_get$descriptor() {
        return vlm2vec_runtime_info_get.DESC;
    }

    /**
     * Downcall method handle for:
     * {@snippet lang=c :
     * int32_t vlm2vec_runtime_info_get(vlm2vec_runtime_info *out)
     * }
     */
    public static MethodHandle vlm2vec_runtime_info_get$handle() {
        return vlm2vec_runtime_info_get.HANDLE;
    }

    /**
     * Address for:
     * {@snippet lang=c :
     * int32_t vlm2vec_runtime_info_get(vlm2vec_runtime_info *out)
     * }
     */
    public static MemorySegment vlm2vec_runtime_info_get$address() {
        return vlm2vec_runtime_info_get.ADDR;
    }

    /**
     * {@snippet lang=c :
     * int32_t vlm2vec_runtime_info_get(vlm2vec_runtime_info *out)
     * }
     */
    public static int vlm2vec_runtime_info_get(MemorySegment out) {
        var mh$ = vlm2vec_runtime_info_get.HANDLE;
        try {
            if (TRACE_DOWNCALLS) {
                traceDowncall("vlm2vec_runtime_info_get", out);
            }
            return (int)mh$.invokeExact(out);
        } catch (Error | RuntimeException ex) {
           throw ex;
        } catch (Throwable ex$) {
           throw new AssertionError("should not reach here", ex$);
        }
    }
    private static class vlm2vec_set_num_threads {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
            vlm2vec_h.C_INT,
            vlm2vec_h.C_INT
        );

        public static final MemorySegment ADDR = vlm2vec_h.findOrThrow("vlm2vec_set_num_threads");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    /**
     * Function descriptor for:
     * {@snippet lang=c :
     * int32_t vlm2vec_set_num_threads(int32_t num_threads)
     * }
     */
    public static FunctionDescriptor vlm2vec_set_num_threads$descriptor() {
        return vlm2vec_set_num_threads.DESC;
    }

    /**
     * Downcall method handle for:
     * {@snippet lang=c :
     * int32_t vlm2vec_set_num_threads(int32_t num_threads)
     * }
     */
    public static MethodHandle vlm2vec_set_num_threads$handle() {
        return vlm2vec_set_num_threads.HANDLE;
    }

    /**
     * Address for:
     * {@snippet lang=c :
     * int32_t vlm2vec_set_num_threads(int32_t num_threads)
     * }
     */
    public static MemorySegment vlm2vec_set_num_threads$address() {
        return vlm2vec_set_num_threads.ADDR;
    }

    /**
     * {@snippet lang=c :
     * int32_t vlm2vec_set_num_threads(int32_t num_threads)
     * }
     */
    public static int vlm2vec_set_num_threads(int num_threads) {
        var mh$ = vlm2vec_set_num_threads.HANDLE;
        try {
            if (TRACE_DOWNCALLS) {
                traceDowncall("vlm2vec_set_num_threads", num_threads);
            }
            return (int)mh$.invokeExact(num_threads);
        } catch (Error | RuntimeException ex) {
           throw ex;
        } catch (Throwable ex$) {
           throw new AssertionError("should not reach here", ex$);
        }
    }
    private static class vlm2vec_last_token_pool_normalize {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
            vlm2vec_h.C_INT,
            vlm2vec_h.C_POINTER,
            vlm2vec_h.C_LONG,
            vlm2vec_h.C_LONG,
            vlm2vec_h.C_LONG,
            vlm2vec_h.C_LONG,
            vlm2vec_h.C_POINTER,
            vlm2vec_h.C_POINTER,
            vlm2vec_h.C_LONG
        );

        public static final MemorySegment ADDR = vlm2vec_h.findOrThrow("vlm2vec_last_token_pool_normalize");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    /**
     * Function descriptor for:
     * {@snippet lang=c :
     * int32_t vlm2vec_last_token_pool_normalize(const float *hidden, int64_t hidden_numel, int64_t batch, int64_t seq_len, int64_t hidden_size, const int64_t *lengths, float *out, int64_t out_numel)
     * }
     */
    public static FunctionDescriptor vlm2vec_last_token_pool_normalize$descriptor() {
        return vlm2vec_last_token_pool_normalize.DESC;
    }

    /**
     * Downcall method handle for:
     * {@snippet lang=c :
     * int32_t vlm2vec_last_token_pool_normalize(const float *hidden, int64_t hidden_numel, int64_t batch, int64_t seq_len, int64_t hidden_size, const int64_t *lengths, float *out, int64_t out_numel)
     * }
     */
    public static MethodHandle vlm2vec_last_token_pool_normalize$handle() {
        return vlm2vec_last_token_pool_normalize.HANDLE;
    }

    /**
     * Address for:
     * {@snippet lang=c :
     * int32_t vlm2vec_last_token_pool_normalize(const float *hidden, int64_t hidden_numel, int64_t batch, int64_t seq_len, int64_t hidden_size, const int64_t *lengths, float *out, int64_t out_numel)
     * }
     */
    public static MemorySegment vlm2vec_last_token_pool_normalize$address() {
        return vlm2vec_last_token_pool_normalize.ADDR;
    }

    /**
     * {@snippet lang=c :
     * int32_t vlm2vec_last_token_pool_normalize(const float *hidden, int64_t hidden_numel, int64_t batch, int64_t seq_len, int64_t hidden_size, const int64_t *lengths, float *out, int64_t out_numel)
     * }
     */
    public static int vlm2vec_last_token_pool_normalize(MemorySegment hidden, long hidden_numel, long batch, long seq_len, long hidden_size, MemorySegment lengths, MemorySegment out, long out_numel) {
        var mh$ = vlm2vec_last_token_pool_normalize.HANDLE;
        try {
            if (TRACE_DOWNCALLS) {
                traceDowncall("vlm2vec_last_token_pool_normalize", hidden, hidden_numel, batch, seq_len, hidden_size, lengths, out, out_numel);
            }
            return (int)mh$.invokeExact(hidden, hidden_numel, batch, seq_len, hidden_size, lengths, out, out_numel);
        } catch (Error | RuntimeException ex) {
           throw ex;
        } catch (Throwable ex$) {
           throw new AssertionError("should not reach here", ex$);
        }
    }
    private static class vlm2vec_index_create {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
            vlm2vec_h.C_INT,
            vlm2vec_h.C_LONG,
            vlm2vec_h.C_POINTER
        );

        public static final MemorySegment ADDR = vlm2vec_h.findOrThrow("vlm2vec_index_create");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    /**
     * Function descriptor for:
     * {@snippet lang=c :
     * int32_t vlm2vec_index_create(int64_t dim, vlm2vec_index **out)
     * }
     */
    public static FunctionDescriptor vlm2vec_index_create$descriptor() {
        return vlm2vec_index_create.DESC;
    }

    /**
     * Downcall method handle for:
     * {@snippet lang=c :
     * int32_t vlm2vec_index_create(int64_t dim, vlm2vec_index **out)
     * }
     */
    public static MethodHandle vlm2vec_index_create$handle() {
        return vlm2vec_index_create.HANDLE;
    }

    /**
     * Address for:
     * {@snippet lang=c :
     * int32_t vlm2vec_index_create(int64_t dim, vlm2vec_index **out)
     * }
     */
    public static MemorySegment vlm2vec_index_create$address() {
        return vlm2vec_index_create.ADDR;
    }

    /**
     * {@snippet lang=c :
     * int32_t vlm2vec_index_create(int64_t dim, vlm2vec_index **out)
     * }
     */
    public static int vlm2vec_index_create(long dim, MemorySegment out) {
        var mh$ = vlm2vec_index_create.HANDLE;
        try {
            if (TRACE_DOWNCALLS) {
                traceDowncall("vlm2vec_index_create", dim, out);
            }
            return (int)mh$.invokeExact(dim, out);
        } catch (Error | RuntimeException ex) {
           throw ex;
        } catch (Throwable ex$) {
           throw new AssertionError("should not reach here", ex$);
        }
    }
    private static class vlm2vec_index_add {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
            vlm2vec_h.C_INT,
            vlm2vec_h.C_POINTER,
            vlm2vec_h.C_POINTER,
            vlm2vec_h.C_LONG,
            vlm2vec_h.C_LONG
        );

        public static final MemorySegment ADDR = vlm2vec_h.findOrThrow("vlm2vec_index_add");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    /**
     * Function descriptor for:
     * {@snippet lang=c :
     * int32_t vlm2vec_index_add(vlm2vec_index *index, const float *vectors, int64_t numel, int64_t count)
     * }
     */
    public static FunctionDescriptor vlm2vec_index_add$descriptor() {
        return vlm2vec_index_add.DESC;
    }

    /**
     * Downcall method handle for:
     * {@snippet lang=c :
     * int32_t vlm2vec_index_add(vlm2vec_index *index, const float *vectors, int64_t numel, int64_t count)
     * }
     */
    public static MethodHandle vlm2vec_index_add$handle() {
        return vlm2vec_index_add.HANDLE;
    }

    /**
     * Address for:
     * {@snippet lang=c :
     * int32_t vlm2vec_index_add(vlm2vec_index *index, const float *vectors, int64_t numel, int64_t count)
     * }
     */
    public static MemorySegment vlm2vec_index_add$address() {
        return vlm2vec_index_add.ADDR;
    }

    /**
     * {@snippet lang=c :
     * int32_t vlm2vec_index_add(vlm2vec_index *index, const float *vectors, int64_t numel, int64_t count)
     * }
     */
    public static int vlm2vec_index_add(MemorySegment index, MemorySegment vectors, long numel, long count) {
        var mh$ = vlm2vec_index_add.HANDLE;
        try {
            if (TRACE_DOWNCALLS) {
                traceDowncall("vlm2vec_index_add", index, vectors, numel, count);
            }
            return (int)mh$.invokeExact(index, vectors, numel, count);
        } catch (Error | RuntimeException ex) {
           throw ex;
        } catch (Throwable ex$) {
           throw new AssertionError("should not reach here", ex$);
        }
    }
    private static class vlm2vec_index_size {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
            vlm2vec_h.C_INT,
            vlm2vec_h.C_POINTER,
            vlm2vec_h.C_POINTER
        );

        public static final MemorySegment ADDR = vlm2vec_h.findOrThrow("vlm2vec_index_size");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    /**
     * Function descriptor for:
     * {@snippet lang=c :
     * int32_t vlm2vec_index_size(const vlm2vec_index *index, int64_t *out_size)
     * }
     */
    public static FunctionDescriptor vlm2vec_index_size$descriptor() {
        return vlm2vec_index_size.DESC;
    }

    /**
     * Downcall method handle for:
     * {@snippet lang=c :
     * int32_t vlm2vec_index_size(const vlm2vec_index *index, int64_t *out_size)
     * }
     */
    public static MethodHandle vlm2vec_index_size$handle() {
        return vlm2vec_index_size.HANDLE;
    }

    /**
     * Address for:
     * {@snippet lang=c :
     * int32_t vlm2vec_index_size(const vlm2vec_index *index, int64_t *out_size)
     * }
     */
    public static MemorySegment vlm2vec_index_size$address() {
        return vlm2vec_index_size.ADDR;
    }

    /**
     * {@snippet lang=c :
     * int32_t vlm2vec_index_size(const vlm2vec_index *index, int64_t *out_size)
     * }
     */
    public static int vlm2vec_index_size(MemorySegment index, MemorySegment out_size) {
        var mh$ = vlm2vec_index_size.HANDLE;
        try {
            if (TRACE_DOWNCALLS) {
                traceDowncall("vlm2vec_index_size", index, out_size);
            }
            return (int)mh$.invokeExact(index, out_size);
        } catch (Error | RuntimeException ex) {
           throw ex;
        } catch (Throwable ex$) {
           throw new AssertionError("should not reach here", ex$);
        }
    }
    private static class vlm2vec_index_search {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
            vlm2vec_h.C_INT,
            vlm2vec_h.C_POINTER,
            vlm2vec_h.C_POINTER,
            vlm2vec_h.C_LONG,
            vlm2vec_h.C_LONG,
            vlm2vec_h.C_LONG,
            vlm2vec_h.C_POINTER,
            vlm2vec_h.C_POINTER,
            vlm2vec_h.C_LONG
        );

        public static final MemorySegment ADDR = vlm2vec_h.findOrThrow("vlm2vec_index_search");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    /**
     * Function descriptor for:
     * {@snippet lang=c :
     * int32_t vlm2vec_index_search(const vlm2vec_index *index, const float *queries, int64_t numel, int64_t num_queries, int64_t k, float *out_scores, int64_t *out_ids, int64_t out_numel)
     * }
     */
    public static FunctionDescriptor vlm2vec_index_search$descriptor() {
        return vlm2vec_index_search.DESC;
    }

    /**
     * Downcall method handle for:
     * {@snippet lang=c :
     * int32_t vlm2vec_index_search(const vlm2vec_index *index, const float *queries, int64_t numel, int64_t num_queries, int64_t k, float *out_scores, int64_t *out_ids, int64_t out_numel)
     * }
     */
    public static MethodHandle vlm2vec_index_search$handle() {
        return vlm2vec_index_search.HANDLE;
    }

    /**
     * Address for:
     * {@snippet lang=c :
     * int32_t vlm2vec_index_search(const vlm2vec_index *index, const float *queries, int64_t numel, int64_t num_queries, int64_t k, float *out_scores, int64_t *out_ids, int64_t out_numel)
     * }
     */
    public static MemorySegment vlm2vec_index_search$address() {
        return vlm2vec_index_search.ADDR;
    }

    /**
     * {@snippet lang=c :
     * int32_t vlm2vec_index_search(const vlm2vec_index *index, const float *queries, int64_t numel, int64_t num_queries, int64_t k, float *out_scores, int64_t *out_ids, int64_t out_numel)
     * }
     */
    public static int vlm2vec_index_search(MemorySegment index, MemorySegment queries, long numel, long num_queries, long k, MemorySegment out_scores, MemorySegment out_ids, long out_numel) {
        var mh$ = vlm2vec_index_search.HANDLE;
        try {
            if (TRACE_DOWNCALLS) {
                traceDowncall("vlm2vec_index_search", index, queries, numel, num_queries, k, out_scores, out_ids, out_numel);
            }
            return (int)mh$.invokeExact(index, queries, numel, num_queries, k, out_scores, out_ids, out_numel);
        } catch (Error | RuntimeException ex) {
           throw ex;
        } catch (Throwable ex$) {
           throw new AssertionError("should not reach here", ex$);
        }
    }
    private static class vlm2vec_index_free {
        public static final FunctionDescriptor DESC = FunctionDescriptor.ofVoid(
            vlm2vec_h.C_POINTER
        );

        public static final MemorySegment ADDR = vlm2vec_h.findOrThrow("vlm2vec_index_free");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    /**
     * Function descriptor for:
     * {@snippet lang=c :
     * void vlm2vec_index_free(vlm2vec_index *index)
     * }
     */
    public static FunctionDescriptor vlm2vec_index_free$descriptor() {
        return vlm2vec_index_free.DESC;
    }

    /**
     * Downcall method handle for:
     * {@snippet lang=c :
     * void vlm2vec_index_free(vlm2vec_index *index)
     * }
     */
    public static MethodHandle vlm2vec_index_free$handle() {
        return vlm2vec_index_free.HANDLE;
    }

    /**
     * Address for:
     * {@snippet lang=c :
     * void vlm2vec_index_free(vlm2vec_index *index)
     * }
     */
    public static MemorySegment vlm2vec_index_free$address() {
        return vlm2vec_index_free.ADDR;
    }

    /**
     * {@snippet lang=c :
     * void vlm2vec_index_free(vlm2vec_index *index)
     * }
     */
    public static void vlm2vec_index_free(MemorySegment index) {
        var mh$ = vlm2vec_index_free.HANDLE;
        try {
            if (TRACE_DOWNCALLS) {
                traceDowncall("vlm2vec_index_free", index);
            }
            mh$.invokeExact(index);
        } catch (Error | RuntimeException ex) {
           throw ex;
        } catch (Throwable ex$) {
           throw new AssertionError("should not reach here", ex$);
        }
    }
    private static class vlm2vec_model_load {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
            vlm2vec_h.C_INT,
            vlm2vec_h.C_POINTER,
            vlm2vec_h.C_POINTER,
            vlm2vec_h.C_INT,
            vlm2vec_h.C_POINTER
        );

        public static final MemorySegment ADDR = vlm2vec_h.findOrThrow("vlm2vec_model_load");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    /**
     * Function descriptor for:
     * {@snippet lang=c :
     * int32_t vlm2vec_model_load(const char *model_dir, const char *device, int32_t dtype, vlm2vec_model **out)
     * }
     */
    public static FunctionDescriptor vlm2vec_model_load$descriptor() {
        return vlm2vec_model_load.DESC;
    }

    /**
     * Downcall method handle for:
     * {@snippet lang=c :
     * int32_t vlm2vec_model_load(const char *model_dir, const char *device, int32_t dtype, vlm2vec_model **out)
     * }
     */
    public static MethodHandle vlm2vec_model_load$handle() {
        return vlm2vec_model_load.HANDLE;
    }

    /**
     * Address for:
     * {@snippet lang=c :
     * int32_t vlm2vec_model_load(const char *model_dir, const char *device, int32_t dtype, vlm2vec_model **out)
     * }
     */
    public static MemorySegment vlm2vec_model_load$address() {
        return vlm2vec_model_load.ADDR;
    }

    /**
     * {@snippet lang=c :
     * int32_t vlm2vec_model_load(const char *model_dir, const char *device, int32_t dtype, vlm2vec_model **out)
     * }
     */
    public static int vlm2vec_model_load(MemorySegment model_dir, MemorySegment device, int dtype, MemorySegment out) {
        var mh$ = vlm2vec_model_load.HANDLE;
        try {
            if (TRACE_DOWNCALLS) {
                traceDowncall("vlm2vec_model_load", model_dir, device, dtype, out);
            }
            return (int)mh$.invokeExact(model_dir, device, dtype, out);
        } catch (Error | RuntimeException ex) {
           throw ex;
        } catch (Throwable ex$) {
           throw new AssertionError("should not reach here", ex$);
        }
    }
    private static class vlm2vec_model_info_get {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
            vlm2vec_h.C_INT,
            vlm2vec_h.C_POINTER,
            vlm2vec_h.C_POINTER
        );

        public static final MemorySegment ADDR = vlm2vec_h.findOrThrow("vlm2vec_model_info_get");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    /**
     * Function descriptor for:
     * {@snippet lang=c :
     * int32_t vlm2vec_model_info_get(const vlm2vec_model *model, vlm2vec_model_info *out)
     * }
     */
    public static FunctionDescriptor vlm2vec_model_info_get$descriptor() {
        return vlm2vec_model_info_get.DESC;
    }

    /**
     * Downcall method handle for:
     * {@snippet lang=c :
     * int32_t vlm2vec_model_info_get(const vlm2vec_model *model, vlm2vec_model_info *out)
     * }
     */
    public static MethodHandle vlm2vec_model_info_get$handle() {
        return vlm2vec_model_info_get.HANDLE;
    }

    /**
     * Address for:
     * {@snippet lang=c :
     * int32_t vlm2vec_model_info_get(const vlm2vec_model *model, vlm2vec_model_info *out)
     * }
     */
    public static MemorySegment vlm2vec_model_info_get$address() {
        return vlm2vec_model_info_get.ADDR;
    }

    /**
     * {@snippet lang=c :
     * int32_t vlm2vec_model_info_get(const vlm2vec_model *model, vlm2vec_model_info *out)
     * }
     */
    public static int vlm2vec_model_info_get(MemorySegment model, MemorySegment out) {
        var mh$ = vlm2vec_model_info_get.HANDLE;
        try {
            if (TRACE_DOWNCALLS) {
                traceDowncall("vlm2vec_model_info_get", model, out);
            }
            return (int)mh$.invokeExact(model, out);
        } catch (Error | RuntimeException ex) {
           throw ex;
        } catch (Throwable ex$) {
           throw new AssertionError("should not reach here", ex$);
        }
    }
    private static class vlm2vec_model_load_report {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
            vlm2vec_h.C_INT,
            vlm2vec_h.C_POINTER,
            vlm2vec_h.C_POINTER
        );

        public static final MemorySegment ADDR = vlm2vec_h.findOrThrow("vlm2vec_model_load_report");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    /**
     * Function descriptor for:
     * {@snippet lang=c :
     * int32_t vlm2vec_model_load_report(const vlm2vec_model *model, const char **out)
     * }
     */
    public static FunctionDescriptor vlm2vec_model_load_report$descriptor() {
        return vlm2vec_model_load_report.DESC;
    }

    /**
     * Downcall method handle for:
     * {@snippet lang=c :
     * int32_t vlm2vec_model_load_report(const vlm2vec_model *model, const char **out)
     * }
     */
    public static MethodHandle vlm2vec_model_load_report$handle() {
        return vlm2vec_model_load_report.HANDLE;
    }

    /**
     * Address for:
     * {@snippet lang=c :
     * int32_t vlm2vec_model_load_report(const vlm2vec_model *model, const char **out)
     * }
     */
    public static MemorySegment vlm2vec_model_load_report$address() {
        return vlm2vec_model_load_report.ADDR;
    }

    /**
     * {@snippet lang=c :
     * int32_t vlm2vec_model_load_report(const vlm2vec_model *model, const char **out)
     * }
     */
    public static int vlm2vec_model_load_report(MemorySegment model, MemorySegment out) {
        var mh$ = vlm2vec_model_load_report.HANDLE;
        try {
            if (TRACE_DOWNCALLS) {
                traceDowncall("vlm2vec_model_load_report", model, out);
            }
            return (int)mh$.invokeExact(model, out);
        } catch (Error | RuntimeException ex) {
           throw ex;
        } catch (Throwable ex$) {
           throw new AssertionError("should not reach here", ex$);
        }
    }
    private static class vlm2vec_model_encode {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
            vlm2vec_h.C_INT,
            vlm2vec_h.C_POINTER,
            vlm2vec_h.C_POINTER,
            vlm2vec_h.C_INT,
            vlm2vec_h.C_POINTER,
            vlm2vec_h.C_LONG
        );

        public static final MemorySegment ADDR = vlm2vec_h.findOrThrow("vlm2vec_model_encode");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    /**
     * Function descriptor for:
     * {@snippet lang=c :
     * int32_t vlm2vec_model_encode(const vlm2vec_model *model, const vlm2vec_batch *batch, int32_t normalize, float *out, int64_t out_numel)
     * }
     */
    public static FunctionDescriptor vlm2vec_model_encode$descriptor() {
        return vlm2vec_model_encode.DESC;
    }

    /**
     * Downcall method handle for:
     * {@snippet lang=c :
     * int32_t vlm2vec_model_encode(const vlm2vec_model *model, const vlm2vec_batch *batch, int32_t normalize, float *out, int64_t out_numel)
     * }
     */
    public static MethodHandle vlm2vec_model_encode$handle() {
        return vlm2vec_model_encode.HANDLE;
    }

    /**
     * Address for:
     * {@snippet lang=c :
     * int32_t vlm2vec_model_encode(const vlm2vec_model *model, const vlm2vec_batch *batch, int32_t normalize, float *out, int64_t out_numel)
     * }
     */
    public static MemorySegment vlm2vec_model_encode$address() {
        return vlm2vec_model_encode.ADDR;
    }

    /**
     * {@snippet lang=c :
     * int32_t vlm2vec_model_encode(const vlm2vec_model *model, const vlm2vec_batch *batch, int32_t normalize, float *out, int64_t out_numel)
     * }
     */
    public static int vlm2vec_model_encode(MemorySegment model, MemorySegment batch, int normalize, MemorySegment out, long out_numel) {
        var mh$ = vlm2vec_model_encode.HANDLE;
        try {
            if (TRACE_DOWNCALLS) {
                traceDowncall("vlm2vec_model_encode", model, batch, normalize, out, out_numel);
            }
            return (int)mh$.invokeExact(model, batch, normalize, out, out_numel);
        } catch (Error | RuntimeException ex) {
           throw ex;
        } catch (Throwable ex$) {
           throw new AssertionError("should not reach here", ex$);
        }
    }
    private static class vlm2vec_model_free {
        public static final FunctionDescriptor DESC = FunctionDescriptor.ofVoid(
            vlm2vec_h.C_POINTER
        );

        public static final MemorySegment ADDR = vlm2vec_h.findOrThrow("vlm2vec_model_free");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    /**
     * Function descriptor for:
     * {@snippet lang=c :
     * void vlm2vec_model_free(vlm2vec_model *model)
     * }
     */
    public static FunctionDescriptor vlm2vec_model_free$descriptor() {
        return vlm2vec_model_free.DESC;
    }

    /**
     * Downcall method handle for:
     * {@snippet lang=c :
     * void vlm2vec_model_free(vlm2vec_model *model)
     * }
     */
    public static MethodHandle vlm2vec_model_free$handle() {
        return vlm2vec_model_free.HANDLE;
    }

    /**
     * Address for:
     * {@snippet lang=c :
     * void vlm2vec_model_free(vlm2vec_model *model)
     * }
     */
    public static MemorySegment vlm2vec_model_free$address() {
        return vlm2vec_model_free.ADDR;
    }

    /**
     * {@snippet lang=c :
     * void vlm2vec_model_free(vlm2vec_model *model)
     * }
     */
    public static void vlm2vec_model_free(MemorySegment model) {
        var mh$ = vlm2vec_model_free.HANDLE;
        try {
            if (TRACE_DOWNCALLS) {
                traceDowncall("vlm2vec_model_free", model);
            }
            mh$.invokeExact(model);
        } catch (Error | RuntimeException ex) {
           throw ex;
        } catch (Throwable ex$) {
           throw new AssertionError("should not reach here", ex$);
        }
    }
    private static class vlm2vec_init_tiny {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
            vlm2vec_h.C_INT,
            vlm2vec_h.C_POINTER,
            vlm2vec_h.C_POINTER,
            vlm2vec_h.C_LONG,
            vlm2vec_h.C_LONG
        );

        public static final MemorySegment ADDR = vlm2vec_h.findOrThrow("vlm2vec_init_tiny");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    /**
     * Function descriptor for:
     * {@snippet lang=c :
     * int32_t vlm2vec_init_tiny(const char *architecture, const char *out_dir, int64_t seed, int64_t image_size)
     * }
     */
    public static FunctionDescriptor vlm2vec_init_tiny$descriptor() {
        return vlm2vec_init_tiny.DESC;
    }

    /**
     * Downcall method handle for:
     * {@snippet lang=c :
     * int32_t vlm2vec_init_tiny(const char *architecture, const char *out_dir, int64_t seed, int64_t image_size)
     * }
     */
    public static MethodHandle vlm2vec_init_tiny$handle() {
        return vlm2vec_init_tiny.HANDLE;
    }

    /**
     * Address for:
     * {@snippet lang=c :
     * int32_t vlm2vec_init_tiny(const char *architecture, const char *out_dir, int64_t seed, int64_t image_size)
     * }
     */
    public static MemorySegment vlm2vec_init_tiny$address() {
        return vlm2vec_init_tiny.ADDR;
    }

    /**
     * {@snippet lang=c :
     * int32_t vlm2vec_init_tiny(const char *architecture, const char *out_dir, int64_t seed, int64_t image_size)
     * }
     */
    public static int vlm2vec_init_tiny(MemorySegment architecture, MemorySegment out_dir, long seed, long image_size) {
        var mh$ = vlm2vec_init_tiny.HANDLE;
        try {
            if (TRACE_DOWNCALLS) {
                traceDowncall("vlm2vec_init_tiny", architecture, out_dir, seed, image_size);
            }
            return (int)mh$.invokeExact(architecture, out_dir, seed, image_size);
        } catch (Error | RuntimeException ex) {
           throw ex;
        } catch (Throwable ex$) {
           throw new AssertionError("should not reach here", ex$);
        }
    }
    private static class vlm2vec_trainer_create {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
            vlm2vec_h.C_INT,
            vlm2vec_h.C_POINTER,
            vlm2vec_h.C_POINTER,
            vlm2vec_h.C_POINTER
        );

        public static final MemorySegment ADDR = vlm2vec_h.findOrThrow("vlm2vec_trainer_create");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    /**
     * Function descriptor for:
     * {@snippet lang=c :
     * int32_t vlm2vec_trainer_create(vlm2vec_model *model, const vlm2vec_train_options *options, vlm2vec_trainer **out)
     * }
     */
    public static FunctionDescriptor vlm2vec_trainer_create$descriptor() {
        return vlm2vec_trainer_create.DESC;
    }

    /**
     * Downcall method handle for:
     * {@snippet lang=c :
     * int32_t vlm2vec_trainer_create(vlm2vec_model *model, const vlm2vec_train_options *options, vlm2vec_trainer **out)
     * }
     */
    public static MethodHandle vlm2vec_trainer_create$handle() {
        return vlm2vec_trainer_create.HANDLE;
    }

    /**
     * Address for:
     * {@snippet lang=c :
     * int32_t vlm2vec_trainer_create(vlm2vec_model *model, const vlm2vec_train_options *options, vlm2vec_trainer **out)
     * }
     */
    public static MemorySegment vlm2vec_trainer_create$address() {
        return vlm2vec_trainer_create.ADDR;
    }

    /**
     * {@snippet lang=c :
     * int32_t vlm2vec_trainer_create(vlm2vec_model *model, const vlm2vec_train_options *options, vlm2vec_trainer **out)
     * }
     */
    public static int vlm2vec_trainer_create(MemorySegment model, MemorySegment options, MemorySegment out) {
        var mh$ = vlm2vec_trainer_create.HANDLE;
        try {
            if (TRACE_DOWNCALLS) {
                traceDowncall("vlm2vec_trainer_create", model, options, out);
            }
            return (int)mh$.invokeExact(model, options, out);
        } catch (Error | RuntimeException ex) {
           throw ex;
        } catch (Throwable ex$) {
           throw new AssertionError("should not reach here", ex$);
        }
    }
    private static class vlm2vec_trainer_step {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
            vlm2vec_h.C_INT,
            vlm2vec_h.C_POINTER,
            vlm2vec_h.C_POINTER,
            vlm2vec_h.C_LONG,
            vlm2vec_h.C_POINTER,
            vlm2vec_h.C_LONG,
            vlm2vec_h.C_POINTER,
            vlm2vec_h.C_LONG,
            vlm2vec_h.C_POINTER
        );

        public static final MemorySegment ADDR = vlm2vec_h.findOrThrow("vlm2vec_trainer_step");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    /**
     * Function descriptor for:
     * {@snippet lang=c :
     * int32_t vlm2vec_trainer_step(vlm2vec_trainer *trainer, const vlm2vec_batch *queries, int64_t num_queries, const vlm2vec_batch *targets, int64_t num_targets, const vlm2vec_batch *negatives, int64_t num_negatives, vlm2vec_train_stats *out)
     * }
     */
    public static FunctionDescriptor vlm2vec_trainer_step$descriptor() {
        return vlm2vec_trainer_step.DESC;
    }

    /**
     * Downcall method handle for:
     * {@snippet lang=c :
     * int32_t vlm2vec_trainer_step(vlm2vec_trainer *trainer, const vlm2vec_batch *queries, int64_t num_queries, const vlm2vec_batch *targets, int64_t num_targets, const vlm2vec_batch *negatives, int64_t num_negatives, vlm2vec_train_stats *out)
     * }
     */
    public static MethodHandle vlm2vec_trainer_step$handle() {
        return vlm2vec_trainer_step.HANDLE;
    }

    /**
     * Address for:
     * {@snippet lang=c :
     * int32_t vlm2vec_trainer_step(vlm2vec_trainer *trainer, const vlm2vec_batch *queries, int64_t num_queries, const vlm2vec_batch *targets, int64_t num_targets, const vlm2vec_batch *negatives, int64_t num_negatives, vlm2vec_train_stats *out)
     * }
     */
    public static MemorySegment vlm2vec_trainer_step$address() {
        return vlm2vec_trainer_step.ADDR;
    }

    /**
     * {@snippet lang=c :
     * int32_t vlm2vec_trainer_step(vlm2vec_trainer *trainer, const vlm2vec_batch *queries, int64_t num_queries, const vlm2vec_batch *targets, int64_t num_targets, const vlm2vec_batch *negatives, int64_t num_negatives, vlm2vec_train_stats *out)
     * }
     */
    public static int vlm2vec_trainer_step(MemorySegment trainer, MemorySegment queries, long num_queries, MemorySegment targets, long num_targets, MemorySegment negatives, long num_negatives, MemorySegment out) {
        var mh$ = vlm2vec_trainer_step.HANDLE;
        try {
            if (TRACE_DOWNCALLS) {
                traceDowncall("vlm2vec_trainer_step", trainer, queries, num_queries, targets, num_targets, negatives, num_negatives, out);
            }
            return (int)mh$.invokeExact(trainer, queries, num_queries, targets, num_targets, negatives, num_negatives, out);
        } catch (Error | RuntimeException ex) {
           throw ex;
        } catch (Throwable ex$) {
           throw new AssertionError("should not reach here", ex$);
        }
    }
    private static class vlm2vec_trainer_save {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
            vlm2vec_h.C_INT,
            vlm2vec_h.C_POINTER,
            vlm2vec_h.C_POINTER,
            vlm2vec_h.C_POINTER
        );

        public static final MemorySegment ADDR = vlm2vec_h.findOrThrow("vlm2vec_trainer_save");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    /**
     * Function descriptor for:
     * {@snippet lang=c :
     * int32_t vlm2vec_trainer_save(const vlm2vec_trainer *trainer, const char *directory, const char *base_model)
     * }
     */
    public static FunctionDescriptor vlm2vec_trainer_save$descriptor() {
        return vlm2vec_trainer_save.DESC;
    }

    /**
     * Downcall method handle for:
     * {@snippet lang=c :
     * int32_t vlm2vec_trainer_save(const vlm2vec_trainer *trainer, const char *directory, const char *base_model)
     * }
     */
    public static MethodHandle vlm2vec_trainer_save$handle() {
        return vlm2vec_trainer_save.HANDLE;
    }

    /**
     * Address for:
     * {@snippet lang=c :
     * int32_t vlm2vec_trainer_save(const vlm2vec_trainer *trainer, const char *directory, const char *base_model)
     * }
     */
    public static MemorySegment vlm2vec_trainer_save$address() {
        return vlm2vec_trainer_save.ADDR;
    }

    /**
     * {@snippet lang=c :
     * int32_t vlm2vec_trainer_save(const vlm2vec_trainer *trainer, const char *directory, const char *base_model)
     * }
     */
    public static int vlm2vec_trainer_save(MemorySegment trainer, MemorySegment directory, MemorySegment base_model) {
        var mh$ = vlm2vec_trainer_save.HANDLE;
        try {
            if (TRACE_DOWNCALLS) {
                traceDowncall("vlm2vec_trainer_save", trainer, directory, base_model);
            }
            return (int)mh$.invokeExact(trainer, directory, base_model);
        } catch (Error | RuntimeException ex) {
           throw ex;
        } catch (Throwable ex$) {
           throw new AssertionError("should not reach here", ex$);
        }
    }
    private static class vlm2vec_trainer_resume {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
            vlm2vec_h.C_INT,
            vlm2vec_h.C_POINTER,
            vlm2vec_h.C_POINTER
        );

        public static final MemorySegment ADDR = vlm2vec_h.findOrThrow("vlm2vec_trainer_resume");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    /**
     * Function descriptor for:
     * {@snippet lang=c :
     * int32_t vlm2vec_trainer_resume(vlm2vec_trainer *trainer, const char *directory)
     * }
     */
    public static FunctionDescriptor vlm2vec_trainer_resume$descriptor() {
        return vlm2vec_trainer_resume.DESC;
    }

    /**
     * Downcall method handle for:
     * {@snippet lang=c :
     * int32_t vlm2vec_trainer_resume(vlm2vec_trainer *trainer, const char *directory)
     * }
     */
    public static MethodHandle vlm2vec_trainer_resume$handle() {
        return vlm2vec_trainer_resume.HANDLE;
    }

    /**
     * Address for:
     * {@snippet lang=c :
     * int32_t vlm2vec_trainer_resume(vlm2vec_trainer *trainer, const char *directory)
     * }
     */
    public static MemorySegment vlm2vec_trainer_resume$address() {
        return vlm2vec_trainer_resume.ADDR;
    }

    /**
     * {@snippet lang=c :
     * int32_t vlm2vec_trainer_resume(vlm2vec_trainer *trainer, const char *directory)
     * }
     */
    public static int vlm2vec_trainer_resume(MemorySegment trainer, MemorySegment directory) {
        var mh$ = vlm2vec_trainer_resume.HANDLE;
        try {
            if (TRACE_DOWNCALLS) {
                traceDowncall("vlm2vec_trainer_resume", trainer, directory);
            }
            return (int)mh$.invokeExact(trainer, directory);
        } catch (Error | RuntimeException ex) {
           throw ex;
        } catch (Throwable ex$) {
           throw new AssertionError("should not reach here", ex$);
        }
    }
    private static class vlm2vec_trainer_free {
        public static final FunctionDescriptor DESC = FunctionDescriptor.ofVoid(
            vlm2vec_h.C_POINTER
        );

        public static final MemorySegment ADDR = vlm2vec_h.findOrThrow("vlm2vec_trainer_free");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    /**
     * Function descriptor for:
     * {@snippet lang=c :
     * void vlm2vec_trainer_free(vlm2vec_trainer *trainer)
     * }
     */
    public static FunctionDescriptor vlm2vec_trainer_free$descriptor() {
        return vlm2vec_trainer_free.DESC;
    }

    /**
     * Downcall method handle for:
     * {@snippet lang=c :
     * void vlm2vec_trainer_free(vlm2vec_trainer *trainer)
     * }
     */
    public static MethodHandle vlm2vec_trainer_free$handle() {
        return vlm2vec_trainer_free.HANDLE;
    }

    /**
     * Address for:
     * {@snippet lang=c :
     * void vlm2vec_trainer_free(vlm2vec_trainer *trainer)
     * }
     */
    public static MemorySegment vlm2vec_trainer_free$address() {
        return vlm2vec_trainer_free.ADDR;
    }

    /**
     * {@snippet lang=c :
     * void vlm2vec_trainer_free(vlm2vec_trainer *trainer)
     * }
     */
    public static void vlm2vec_trainer_free(MemorySegment trainer) {
        var mh$ = vlm2vec_trainer_free.HANDLE;
        try {
            if (TRACE_DOWNCALLS) {
                traceDowncall("vlm2vec_trainer_free", trainer);
            }
            mh$.invokeExact(trainer);
        } catch (Error | RuntimeException ex) {
           throw ex;
        } catch (Throwable ex$) {
           throw new AssertionError("should not reach here", ex$);
        }
    }
    private static class vlm2vec_model_load_adapter {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
            vlm2vec_h.C_INT,
            vlm2vec_h.C_POINTER,
            vlm2vec_h.C_POINTER,
            vlm2vec_h.C_INT
        );

        public static final MemorySegment ADDR = vlm2vec_h.findOrThrow("vlm2vec_model_load_adapter");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    /**
     * Function descriptor for:
     * {@snippet lang=c :
     * int32_t vlm2vec_model_load_adapter(vlm2vec_model *model, const char *adapter_dir, int32_t merge)
     * }
     */
    public static FunctionDescriptor vlm2vec_model_load_adapter$descriptor() {
        return vlm2vec_model_load_adapter.DESC;
    }

    /**
     * Downcall method handle for:
     * {@snippet lang=c :
     * int32_t vlm2vec_model_load_adapter(vlm2vec_model *model, const char *adapter_dir, int32_t merge)
     * }
     */
    public static MethodHandle vlm2vec_model_load_adapter$handle() {
        return vlm2vec_model_load_adapter.HANDLE;
    }

    /**
     * Address for:
     * {@snippet lang=c :
     * int32_t vlm2vec_model_load_adapter(vlm2vec_model *model, const char *adapter_dir, int32_t merge)
     * }
     */
    public static MemorySegment vlm2vec_model_load_adapter$address() {
        return vlm2vec_model_load_adapter.ADDR;
    }

    /**
     * {@snippet lang=c :
     * int32_t vlm2vec_model_load_adapter(vlm2vec_model *model, const char *adapter_dir, int32_t merge)
     * }
     */
    public static int vlm2vec_model_load_adapter(MemorySegment model, MemorySegment adapter_dir, int merge) {
        var mh$ = vlm2vec_model_load_adapter.HANDLE;
        try {
            if (TRACE_DOWNCALLS) {
                traceDowncall("vlm2vec_model_load_adapter", model, adapter_dir, merge);
            }
            return (int)mh$.invokeExact(model, adapter_dir, merge);
        } catch (Error | RuntimeException ex) {
           throw ex;
        } catch (Throwable ex$) {
           throw new AssertionError("should not reach here", ex$);
        }
    }
    private static class vlm2vec_model_save {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
            vlm2vec_h.C_INT,
            vlm2vec_h.C_POINTER,
            vlm2vec_h.C_POINTER
        );

        public static final MemorySegment ADDR = vlm2vec_h.findOrThrow("vlm2vec_model_save");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    /**
     * Function descriptor for:
     * {@snippet lang=c :
     * int32_t vlm2vec_model_save(const vlm2vec_model *model, const char *out_dir)
     * }
     */
    public static FunctionDescriptor vlm2vec_model_save$descriptor() {
        return vlm2vec_model_save.DESC;
    }

    /**
     * Downcall method handle for:
     * {@snippet lang=c :
     * int32_t vlm2vec_model_save(const vlm2vec_model *model, const char *out_dir)
     * }
     */
    public static MethodHandle vlm2vec_model_save$handle() {
        return vlm2vec_model_save.HANDLE;
    }

    /**
     * Address for:
     * {@snippet lang=c :
     * int32_t vlm2vec_model_save(const vlm2vec_model *model, const char *out_dir)
     * }
     */
    public static MemorySegment vlm2vec_model_save$address() {
        return vlm2vec_model_save.ADDR;
    }

    /**
     * {@snippet lang=c :
     * int32_t vlm2vec_model_save(const vlm2vec_model *model, const char *out_dir)
     * }
     */
    public static int vlm2vec_model_save(MemorySegment model, MemorySegment out_dir) {
        var mh$ = vlm2vec_model_save.HANDLE;
        try {
            if (TRACE_DOWNCALLS) {
                traceDowncall("vlm2vec_model_save", model, out_dir);
            }
            return (int)mh$.invokeExact(model, out_dir);
        } catch (Error | RuntimeException ex) {
           throw ex;
        } catch (Throwable ex$) {
           throw new AssertionError("should not reach here", ex$);
        }
    }
}
