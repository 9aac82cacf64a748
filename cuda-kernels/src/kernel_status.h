// Status reporting shared by the launchers: a failing CUDA call records what failed
// in a thread-local message (vlm2vec_kernels_last_error) and maps to a vlm2vec_status code.
#pragma once

#include <cuda_runtime.h>

#include <string>

#include "vlm2vec_kernels.h"

namespace vlm2vec::kernels {

void set_last_error(std::string message);
void clear_last_error();

// VLM2VEC_OK when code is cudaSuccess; otherwise records "what: cudaErrorName".
int32_t check_cuda(cudaError_t code, const char* what);
int32_t invalid_argument(const std::string& message);
const char* last_error_message();

}  // namespace vlm2vec::kernels
