// fp32 <-> operand element type (float, __half, __nv_bfloat16) on the device, shared by the
// GEMM's epilogue and the InfoNCE softmax kernel.
#pragma once

#include <cuda_bf16.h>
#include <cuda_fp16.h>

namespace vlm2vec::kernels {

template <class T>
__device__ inline float to_float(T v);
template <>
__device__ inline float to_float<float>(float v) { return v; }
template <>
__device__ inline float to_float<__half>(__half v) { return __half2float(v); }
template <>
__device__ inline float to_float<__nv_bfloat16>(__nv_bfloat16 v) { return __bfloat162float(v); }

template <class T>
__device__ inline T from_float(float v);
template <>
__device__ inline float from_float<float>(float v) { return v; }
template <>
__device__ inline __half from_float<__half>(float v) { return __float2half(v); }
template <>
__device__ inline __nv_bfloat16 from_float<__nv_bfloat16>(float v) { return __float2bfloat16(v); }

}  // namespace vlm2vec::kernels
