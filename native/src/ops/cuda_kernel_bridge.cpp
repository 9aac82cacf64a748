#include "ops/cuda_kernel_bridge.h"

#include "vlm2vec.h"

#ifdef VLM2VEC_WITH_CUDA_KERNELS
#include <ATen/cuda/CUDAContext.h>

#include <string>

#include "common/error.h"
#include "vlm2vec_kernels.h"
#endif

namespace vlm2vec::ops {

int32_t kernel_dtype(torch::ScalarType type) {
  switch (type) {
    case torch::kFloat32: return VLM2VEC_DTYPE_FLOAT32;
    case torch::kBFloat16: return VLM2VEC_DTYPE_BFLOAT16;
    case torch::kFloat16: return VLM2VEC_DTYPE_FLOAT16;
    default: return -1;
  }
}

bool use_cuda_kernels(const torch::Tensor& tensor) {
#ifdef VLM2VEC_WITH_CUDA_KERNELS
  return tensor.is_cuda();
#else
  (void)tensor;
  return false;
#endif
}

#ifdef VLM2VEC_WITH_CUDA_KERNELS
void* current_cuda_stream() { return at::cuda::getCurrentCUDAStream().stream(); }

void check_kernel_status(int32_t status, const char* what) {
  if (status == VLM2VEC_OK) return;
  std::string message = std::string(what) + " failed with status " + std::to_string(status);
  const std::string detail = vlm2vec_kernels_last_error();
  if (!detail.empty()) message += " (" + detail + ")";
  throw Error(static_cast<vlm2vec_status>(status), message);
}
#endif

}  // namespace vlm2vec::ops
