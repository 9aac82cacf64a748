// The GEMM every kernel here is built on: C = alpha op(A) op(B) + beta C over row-major
// storage, fp32 accumulation. gemm() runs it through the process's backend
// (vlm2vec_kernels_set_gemm_backend): cuBLAS when it can be loaded at run time
// (cublas_gemm.h), else the kernels' own tiled GEMM (gemm.cu: bf16/fp16 operands on tensor
// cores via WMMA, fp32 operands on CUDA cores in true fp32), which needs the CUDA runtime alone
// (the build machines have nvcc but no cuBLAS) and is about 6x slower than cuBLAS on an H200.
#pragma once

#include <cuda_runtime.h>

#include <cstdint>

namespace vlm2vec::kernels {

// Operand element type tags (vlm2vec_dtype values) and their sizes; false for unknown.
bool element_bytes_of(int32_t dtype, int64_t* bytes);

struct GemmOperand {
  const void* data;
  int64_t ld;        // elements between consecutive stored rows
  bool transposed;   // A: stored [K, M] instead of [M, K]; B: stored [N, K] instead of [K, N]
};

// C [m, n] (row-major, ldc) = alpha op(A) [m, k] op(B) [k, n] + beta C. A and B share dtype;
// C is fp32 (c_is_float) or the operand dtype. beta == 0 never reads C. C may share a buffer
// with A or B when the elements it writes are disjoint from those it reads.
// `what` names the call in error messages.
int32_t gemm(int32_t dtype, int64_t m, int64_t n, int64_t k, float alpha, GemmOperand a, GemmOperand b, float beta,
             void* c, bool c_is_float, int64_t ldc, cudaStream_t stream, const char* what);

// The two backends behind gemm(), which has already returned for empty products and rejected
// NULL operands. tiled_gemm is the own kernel (gemm.cu); cublas_gemm is in cublas_gemm.h.
int32_t tiled_gemm(int32_t dtype, int64_t m, int64_t n, int64_t k, float alpha, GemmOperand a, GemmOperand b,
                   float beta, void* c, bool c_is_float, int64_t ldc, cudaStream_t stream, const char* what);

}  // namespace vlm2vec::kernels
