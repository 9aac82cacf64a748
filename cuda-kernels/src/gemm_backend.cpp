// Which GEMM the kernels run on: one process-wide choice, read from VLM2VEC_GEMM on first use
// and changeable through vlm2vec_kernels_set_gemm_backend (benchmarks and tests run both).
#include <atomic>
#include <cstdlib>
#include <string>

#include "cublas_gemm.h"
#include "gemm.h"
#include "kernel_status.h"
#include "vlm2vec_kernels.h"

namespace vlm2vec::kernels {
namespace {

constexpr int32_t kUnset = -1;
std::atomic<int32_t> requested{kUnset};

// The backend asked for, from the environment when nobody has set one. An unknown value is
// reported by the first GEMM rather than silently ignored.
int32_t requested_backend(std::string* bad_environment) {
  int32_t value = requested.load();
  if (value != kUnset) return value;
  const char* text = std::getenv("VLM2VEC_GEMM");
  const std::string name = text == nullptr ? "" : text;
  if (name.empty() || name == "auto") value = VLM2VEC_GEMM_AUTO;
  else if (name == "tiled") value = VLM2VEC_GEMM_TILED;
  else if (name == "cublas") value = VLM2VEC_GEMM_CUBLAS;
  else {
    *bad_environment = "VLM2VEC_GEMM must be auto, tiled or cublas, got '" + name + "'";
    return VLM2VEC_GEMM_AUTO;
  }
  int32_t expected = kUnset;
  requested.compare_exchange_strong(expected, value);
  return requested.load();
}

// AUTO means cuBLAS when it loads; an explicit choice stands (an unloadable cuBLAS asked for
// through the environment then fails in cublas_gemm, with the loader's reason).
int32_t effective(int32_t backend) {
  if (backend != VLM2VEC_GEMM_AUTO) return backend;
  return cublas_available() ? VLM2VEC_GEMM_CUBLAS : VLM2VEC_GEMM_TILED;
}

}  // namespace

int32_t gemm(int32_t dtype, int64_t m, int64_t n, int64_t k, float alpha, GemmOperand a, GemmOperand b, float beta,
             void* c, bool c_is_float, int64_t ldc, cudaStream_t stream, const char* what) {
  if (m == 0 || n == 0) return VLM2VEC_OK;
  if (a.data == nullptr || b.data == nullptr || c == nullptr) {
    set_last_error(std::string(what) + ": NULL operand");
    return VLM2VEC_ERR_NULL_POINTER;
  }
  std::string bad_environment;
  const int32_t backend = requested_backend(&bad_environment);
  if (!bad_environment.empty()) return invalid_argument(std::string(what) + ": " + bad_environment);
  if (effective(backend) == VLM2VEC_GEMM_TILED) {
    return tiled_gemm(dtype, m, n, k, alpha, a, b, beta, c, c_is_float, ldc, stream, what);
  }
  return cublas_gemm(dtype, m, n, k, alpha, a, b, beta, c, c_is_float, ldc, stream, what);
}

}  // namespace vlm2vec::kernels

extern "C" int32_t vlm2vec_kernels_set_gemm_backend(int32_t backend) {
  using namespace vlm2vec::kernels;
  clear_last_error();
  switch (backend) {
    case VLM2VEC_GEMM_CUBLAS:
      if (!cublas_available()) {
        set_last_error("GEMM backend cublas: " + cublas_unavailable_reason());
        return VLM2VEC_ERR_UNSUPPORTED;
      }
      [[fallthrough]];
    case VLM2VEC_GEMM_AUTO:
    case VLM2VEC_GEMM_TILED:
      requested.store(backend);
      return VLM2VEC_OK;
    default:
      return invalid_argument("GEMM backend must be VLM2VEC_GEMM_AUTO, _TILED or _CUBLAS, got " +
                              std::to_string(backend));
  }
}

extern "C" int32_t vlm2vec_kernels_gemm_backend(void) {
  using namespace vlm2vec::kernels;
  std::string bad_environment;
  return effective(requested_backend(&bad_environment));
}
