#include "kernel_status.h"

namespace vlm2vec::kernels {
namespace {
thread_local std::string last_error;
}  // namespace

void set_last_error(std::string message) { last_error = std::move(message); }
void clear_last_error() { last_error.clear(); }

int32_t check_cuda(cudaError_t code, const char* what) {
  if (code == cudaSuccess) return VLM2VEC_OK;
  set_last_error(std::string(what) + ": " + cudaGetErrorName(code) + " (" + cudaGetErrorString(code) + ")");
  return code == cudaErrorMemoryAllocation ? VLM2VEC_ERR_OUT_OF_MEMORY : VLM2VEC_ERR_INTERNAL;
}

int32_t invalid_argument(const std::string& message) {
  set_last_error(message);
  return VLM2VEC_ERR_INVALID_ARGUMENT;
}

const char* last_error_message() { return last_error.c_str(); }

}  // namespace vlm2vec::kernels

extern "C" const char* vlm2vec_kernels_last_error(void) { return vlm2vec::kernels::last_error_message(); }
