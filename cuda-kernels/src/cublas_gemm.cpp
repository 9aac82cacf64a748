// cuBLAS through dlopen: the handful of entry points the kernels use, declared here with the
// C ABI's plain int for cuBLAS's enums (their values are fixed by cuBLAS's public headers and
// have not changed since CUDA 11), so this file compiles with the CUDA runtime headers alone.
#include "cublas_gemm.h"

#include <dlfcn.h>
#include <library_types.h>

#include <climits>
#include <mutex>
#include <utility>
#include <vector>

#include "kernel_status.h"
#include "vlm2vec.h"

namespace vlm2vec::kernels {
namespace {

using Handle = void*;  // cublasHandle_t
constexpr int kStatusSuccess = 0, kStatusAllocFailed = 3;
constexpr int kOpN = 0, kOpT = 1;        // cublasOperation_t
constexpr int kComputeFloat32 = 68;      // CUBLAS_COMPUTE_32F
constexpr int kAlgoDefault = -1;         // CUBLAS_GEMM_DEFAULT

struct Library {
  int (*create)(Handle*) = nullptr;                // cublasCreate_v2
  int (*destroy)(Handle) = nullptr;                // cublasDestroy_v2
  int (*set_stream)(Handle, cudaStream_t) = nullptr;  // cublasSetStream_v2
  int (*gemm_ex)(Handle, int, int, int, int, int, const void*, const void*, cudaDataType_t, int, const void*,
                 cudaDataType_t, int, const void*, void*, cudaDataType_t, int, int, int) = nullptr;  // cublasGemmEx
  const char* (*status_name)(int) = nullptr;       // cublasGetStatusName (optional)
  std::string failure;                             // empty when loaded
};

template <class Fn>
bool bind(void* library, const char* name, Fn* fn) {
  *fn = reinterpret_cast<Fn>(dlsym(library, name));
  return *fn != nullptr;
}

Library open_library() {
  Library lib;
  void* handle = nullptr;
  std::string tried;
  for (const char* soname : {"libcublas.so.13", "libcublas.so.12", "libcublas.so.11", "libcublas.so"}) {
    handle = dlopen(soname, RTLD_NOW | RTLD_LOCAL);
    if (handle != nullptr) break;
    tried += std::string(tried.empty() ? "" : "; ") + dlerror();
  }
  if (handle == nullptr) {
    lib.failure = "cuBLAS could not be loaded (" + tried + ")";
    return lib;
  }
  if (!bind(handle, "cublasCreate_v2", &lib.create) || !bind(handle, "cublasDestroy_v2", &lib.destroy) ||
      !bind(handle, "cublasSetStream_v2", &lib.set_stream) || !bind(handle, "cublasGemmEx", &lib.gemm_ex)) {
    lib.failure = std::string("the loaded libcublas lacks an entry point: ") + dlerror();
    return lib;
  }
  bind(handle, "cublasGetStatusName", &lib.status_name);
  return lib;
}

const Library& library() {
  static std::once_flag once;
  static Library lib;
  std::call_once(once, [] { lib = open_library(); });
  return lib;
}

std::string status_text(int status) {
  const Library& lib = library();
  if (lib.status_name != nullptr) return lib.status_name(status);
  return "cuBLAS status " + std::to_string(status);
}

// One handle per (thread, device), created on first use and destroyed when the thread ends:
// cuBLAS handles are not meant to be shared between threads that set different streams.
class ThreadHandles {
 public:
  ~ThreadHandles() {
    for (auto& [device, handle] : handles_) library().destroy(handle);
  }

  int32_t get(int device, Handle* out, const char* what) {
    for (auto& [d, handle] : handles_) {
      if (d == device) {
        *out = handle;
        return VLM2VEC_OK;
      }
    }
    Handle handle = nullptr;
    const int status = library().create(&handle);
    if (status != kStatusSuccess) {
      set_last_error(std::string(what) + ": cublasCreate failed: " + status_text(status));
      return status == kStatusAllocFailed ? VLM2VEC_ERR_OUT_OF_MEMORY : VLM2VEC_ERR_INTERNAL;
    }
    handles_.emplace_back(device, handle);
    *out = handle;
    return VLM2VEC_OK;
  }

 private:
  std::vector<std::pair<int, Handle>> handles_;
};

cudaDataType_t data_type(int32_t dtype) {
  switch (dtype) {
    case VLM2VEC_DTYPE_BFLOAT16: return CUDA_R_16BF;
    case VLM2VEC_DTYPE_FLOAT16: return CUDA_R_16F;
    default: return CUDA_R_32F;
  }
}

bool fits_int(int64_t value) { return value >= 0 && value <= INT_MAX; }

}  // namespace

bool cublas_available() { return library().failure.empty(); }

const std::string& cublas_unavailable_reason() { return library().failure; }

int32_t cublas_gemm(int32_t dtype, int64_t m, int64_t n, int64_t k, float alpha, GemmOperand a, GemmOperand b,
                    float beta, void* c, bool c_is_float, int64_t ldc, cudaStream_t stream, const char* what) {
  if (!cublas_available()) {
    set_last_error(std::string(what) + ": " + cublas_unavailable_reason());
    return VLM2VEC_ERR_INTERNAL;
  }
  if (!fits_int(m) || !fits_int(n) || !fits_int(k) || !fits_int(a.ld) || !fits_int(b.ld) || !fits_int(ldc)) {
    return invalid_argument(std::string(what) + ": a size or leading dimension exceeds cuBLAS's 32-bit range");
  }
  int device = 0;
  if (const int32_t status = check_cuda(cudaGetDevice(&device), what); status != VLM2VEC_OK) return status;
  thread_local ThreadHandles handles;
  Handle handle = nullptr;
  if (const int32_t status = handles.get(device, &handle, what); status != VLM2VEC_OK) return status;
  const Library& lib = library();
  int status = lib.set_stream(handle, stream);
  if (status == kStatusSuccess) {
    // Row-major C = op(A) op(B) is column-major C^T = op(B)^T op(A)^T: B's storage comes first,
    // each operand transposed exactly when it is stored transposed in row-major terms.
    const cudaDataType_t operand_type = data_type(dtype);
    const cudaDataType_t c_type = c_is_float ? CUDA_R_32F : operand_type;
    status = lib.gemm_ex(handle, b.transposed ? kOpT : kOpN, a.transposed ? kOpT : kOpN, static_cast<int>(n),
                         static_cast<int>(m), static_cast<int>(k), &alpha, b.data, operand_type, static_cast<int>(b.ld),
                         a.data, operand_type, static_cast<int>(a.ld), &beta, c, c_type, static_cast<int>(ldc),
                         kComputeFloat32, kAlgoDefault);
  }
  if (status != kStatusSuccess) {
    set_last_error(std::string(what) + ": cuBLAS: " + status_text(status));
    return VLM2VEC_ERR_INTERNAL;
  }
  return VLM2VEC_OK;
}

}  // namespace vlm2vec::kernels
