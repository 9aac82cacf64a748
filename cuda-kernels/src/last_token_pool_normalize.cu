// Last-token pooling + L2 normalisation on the GPU, and its replay backward: one block per
// batch row. Each thread accumulates a strided slice of the pooled row, warps reduce with
// shuffles, and the block's totals give the norm (forward: h / max(||h||, 1e-12)) or the
// norm and y . g (backward: the normalisation Jacobian applied to the cached gradient).
#include <cuda_runtime.h>

#include <cstdint>

#include "vlm2vec_kernels.h"

namespace {

__device__ float warp_sum(float value) {
  for (int offset = 16; offset > 0; offset /= 2) value += __shfl_down_sync(0xffffffffu, value, offset);
  return value;
}

// Like warp_sum, but every lane ends with the total.
__device__ float warp_sum_all(float value) {
  for (int offset = 16; offset > 0; offset /= 2) value += __shfl_xor_sync(0xffffffffu, value, offset);
  return value;
}

// Sums value over the block; every thread gets the total. scratch holds one float per warp.
__device__ float block_sum(float value, float* scratch) {
  value = warp_sum(value);
  const int lane = threadIdx.x % 32, warp = threadIdx.x / 32, warps = blockDim.x / 32;
  __syncthreads();  // scratch may still be read from a previous call
  if (lane == 0) scratch[warp] = value;
  __syncthreads();
  float total = lane < warps ? scratch[lane] : 0.0f;
  return warp_sum_all(total);
}

__global__ void last_token_pool_normalize_kernel(const float* __restrict__ hidden, int64_t seq_len,
                                                 int64_t hidden_size, const int64_t* __restrict__ lengths,
                                                 float* __restrict__ out) {
  extern __shared__ float warp_totals[];
  const int64_t row = blockIdx.x;
  const float* pooled = hidden + (row * seq_len + (lengths[row] - 1)) * hidden_size;

  float squares = 0.0f;
  for (int64_t i = threadIdx.x; i < hidden_size; i += blockDim.x) squares += pooled[i] * pooled[i];
  squares = warp_sum(squares);
  const int lane = threadIdx.x % 32, warp = threadIdx.x / 32, warps = blockDim.x / 32;
  if (lane == 0) warp_totals[warp] = squares;
  __syncthreads();
  if (warp == 0) {
    float total = lane < warps ? warp_totals[lane] : 0.0f;
    total = warp_sum(total);
    if (lane == 0) warp_totals[0] = total;
  }
  __syncthreads();
  const float scale = 1.0f / fmaxf(sqrtf(warp_totals[0]), 1e-12f);
  float* destination = out + row * hidden_size;
  for (int64_t i = threadIdx.x; i < hidden_size; i += blockDim.x) destination[i] = pooled[i] * scale;
}

__global__ void last_token_pool_normalize_backward_kernel(const float* __restrict__ hidden, int64_t seq_len,
                                                          int64_t hidden_size, const int64_t* __restrict__ lengths,
                                                          const float* __restrict__ grad_reps,
                                                          float* __restrict__ grad_hidden) {
  extern __shared__ float warp_totals[];
  const int64_t row = blockIdx.x;
  const int64_t offset = (row * seq_len + (lengths[row] - 1)) * hidden_size;
  const float* pooled = hidden + offset;
  const float* grad = grad_reps + row * hidden_size;

  float squares = 0.0f, dot = 0.0f;
  for (int64_t i = threadIdx.x; i < hidden_size; i += blockDim.x) {
    squares += pooled[i] * pooled[i];
    dot += pooled[i] * grad[i];
  }
  const float norm = sqrtf(block_sum(squares, warp_totals));
  const float h_dot_g = block_sum(dot, warp_totals);
  float* destination = grad_hidden + offset;
  if (norm > 1e-12f) {
    // y = h / n; dy/dh^T g = (g - y (y . g)) / n = g / n - h (h . g) / n^3
    const float inv_norm = 1.0f / norm;
    const float along = h_dot_g * inv_norm * inv_norm * inv_norm;
    for (int64_t i = threadIdx.x; i < hidden_size; i += blockDim.x) destination[i] += grad[i] * inv_norm - pooled[i] * along;
  } else {
    // Below the clamp the map is h / 1e-12, a plain scaling.
    for (int64_t i = threadIdx.x; i < hidden_size; i += blockDim.x) destination[i] += grad[i] * 1e12f;
  }
}

}  // namespace

extern "C" int32_t vlm2vec_cuda_last_token_pool_normalize_backward_f32(const float* hidden, int64_t batch,
                                                                       int64_t seq_len, int64_t hidden_size,
                                                                       const int64_t* lengths, const float* grad_reps,
                                                                       float* grad_hidden, void* stream) {
  vlm2vec_launch_plan plan{};
  const int32_t status = vlm2vec_pool_normalize_plan(batch, seq_len, hidden_size, &plan);
  if (status != VLM2VEC_OK) return status;
  if (batch == 0) return VLM2VEC_OK;
  if (hidden == nullptr || lengths == nullptr || grad_reps == nullptr || grad_hidden == nullptr) {
    return VLM2VEC_ERR_NULL_POINTER;
  }
  last_token_pool_normalize_backward_kernel<<<plan.grid, plan.block, plan.shared_bytes,
                                              static_cast<cudaStream_t>(stream)>>>(hidden, seq_len, hidden_size,
                                                                                   lengths, grad_reps, grad_hidden);
  return cudaGetLastError() == cudaSuccess ? VLM2VEC_OK : VLM2VEC_ERR_INTERNAL;
}

extern "C" int32_t vlm2vec_cuda_last_token_pool_normalize_f32(const float* hidden, int64_t batch, int64_t seq_len,
                                                              int64_t hidden_size, const int64_t* lengths, float* out,
                                                              void* stream) {
  vlm2vec_launch_plan plan{};
  const int32_t status = vlm2vec_pool_normalize_plan(batch, seq_len, hidden_size, &plan);
  if (status != VLM2VEC_OK) return status;
  if (batch == 0) return VLM2VEC_OK;
  if (hidden == nullptr || lengths == nullptr || out == nullptr) return VLM2VEC_ERR_NULL_POINTER;
  last_token_pool_normalize_kernel<<<plan.grid, plan.block, plan.shared_bytes, static_cast<cudaStream_t>(stream)>>>(
      hidden, seq_len, hidden_size, lengths, out);
  return cudaGetLastError() == cudaSuccess ? VLM2VEC_OK : VLM2VEC_ERR_INTERNAL;
}
