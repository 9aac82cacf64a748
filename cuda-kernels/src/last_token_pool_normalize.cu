// Last-token pooling + L2 normalisation on the GPU: one block per batch row. Each thread
// accumulates the squares of a strided slice of the pooled row, warps reduce with shuffles,
// and the block's total divides the row, as h / max(||h||, 1e-12).
#include <cuda_runtime.h>

#include <cstdint>

#include "vlm2vec_kernels.h"

namespace {

__device__ float warp_sum(float value) {
  for (int offset = 16; offset > 0; offset /= 2) value += __shfl_down_sync(0xffffffffu, value, offset);
  return value;
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

}  // namespace

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
