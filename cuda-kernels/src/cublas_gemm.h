// cuBLAS as the GEMM under the kernels, loaded at run time. The build machines have nvcc but
// no cuBLAS, so nothing here is linked against it: libcublas is opened with dlopen when the
// first GEMM needs it (a process that hosts CUDA libtorch has it loaded already), and the
// kernels fall back to their own tiled GEMM (gemm.cu) when it cannot be found.
#pragma once

#include <cuda_runtime.h>

#include <cstdint>
#include <string>

#include "gemm.h"

namespace vlm2vec::kernels {

// True when a libcublas was opened and has every entry point used here. The first call tries
// the sonames in turn (libcublas.so.13, .12, .11, libcublas.so); why it failed is kept for
// cublas_unavailable_reason().
bool cublas_available();
const std::string& cublas_unavailable_reason();

// Same contract as gemm() (row-major C = alpha op(A) op(B) + beta C), through cublasGemmEx on
// this thread's handle for the current device, with fp32 accumulation (true fp32 products for
// fp32 operands: the handle keeps cuBLAS's default math mode, no TF32).
int32_t cublas_gemm(int32_t dtype, int64_t m, int64_t n, int64_t k, float alpha, GemmOperand a, GemmOperand b,
                    float beta, void* c, bool c_is_float, int64_t ldc, cudaStream_t stream, const char* what);

}  // namespace vlm2vec::kernels
