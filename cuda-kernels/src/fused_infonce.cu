// Fused InfoNCE on the GPU, strip by strip. For each strip of query rows:
//   1. one GEMM (gemm.h: cuBLAS, or the own tiled tensor-core GEMM) forms the strip's raw dot products q_strip t^T (fp32 out);
//   2. one kernel, a block per row, reads the row once into registers, reduces it to its
//      log-sum-exp (the rows are complete, so the LSE is final), takes the positive logit on
//      the fly, and, when a gradient is wanted, writes p_ij - [j == i] in the operand dtype;
//   3. two GEMMs turn those into d loss / d q for the strip's rows and accumulate
//      d loss / d t over strips in a fixed order (deterministic, no atomics).
// Only the per-row LSE and losses outlive a strip; see vlm2vec_infonce_plan_for for sizes.
#include <cuda_bf16.h>
#include <cuda_fp16.h>
#include <cuda_runtime.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>

#include "element_conversions.cuh"
#include "gemm.h"
#include "kernel_status.h"
#include "vlm2vec_kernels.h"

namespace vlm2vec::kernels {
namespace {

// The row kernel's largest block (the plan picks row_threads <= this, a multiple of 32).
constexpr int kMaxRowThreads = 1024;
// Each thread keeps this many of its row's logits in registers, so a row of up to
// row_threads * kCachedPerThread targets is read from memory once (the kernel is
// bandwidth-bound: one fp32 read and one 16-bit write per logit); wider rows re-read the rest.
constexpr int kCachedPerThread = VLM2VEC_INFONCE_LOGITS_PER_THREAD;
constexpr int kMeanThreads = 1024;

// (max, sum of exp(x - max)) pairs merge without overflow whatever the magnitudes.
__device__ void merge_lse(float& max, float& sum, float other_max, float other_sum) {
  if (other_max == -INFINITY) return;
  if (max == -INFINITY) {
    max = other_max;
    sum = other_sum;
    return;
  }
  if (other_max > max) {
    sum = sum * expf(max - other_max) + other_sum;
    max = other_max;
  } else {
    sum += other_sum * expf(other_max - max);
  }
}

// One block per strip row. logits holds raw dot products; probabilities may alias logits
// (fp32) because each element is read by the thread that later overwrites it, before the
// block's barrier, and the positive logit is read before that barrier too.
template <class P>
__global__ void __launch_bounds__(kMaxRowThreads)
    strip_softmax_kernel(const float* logits, int64_t targets, int64_t first_row, float inv_temperature,
                         const float* lse_in, float* lse_out, float* row_loss, P* probabilities) {
  __shared__ float shared_max[kMaxRowThreads / 32], shared_sum[kMaxRowThreads / 32];
  __shared__ float row_lse;
  const int64_t strip_row = blockIdx.x, row = first_row + strip_row;
  const float* values = logits + strip_row * targets;
  const int64_t threads = blockDim.x, cached_per_row = threads * kCachedPerThread;

  float cached[kCachedPerThread];
#pragma unroll
  for (int c = 0; c < kCachedPerThread; ++c) {
    const int64_t j = threadIdx.x + c * threads;
    cached[c] = j < targets ? values[j] * inv_temperature : -INFINITY;
  }

  if (lse_in != nullptr) {
    if (threadIdx.x == 0) row_lse = lse_in[row];
  } else {
    // This thread's share: its maximum first, then its sum relative to it (exact in the
    // registers), then pairwise merges across the warp and the block.
    float max = -INFINITY, sum = 0.0f;
#pragma unroll
    for (int c = 0; c < kCachedPerThread; ++c) max = fmaxf(max, cached[c]);
    for (int64_t j = cached_per_row + threadIdx.x; j < targets; j += threads) max = fmaxf(max, values[j] * inv_temperature);
    if (max != -INFINITY) {
#pragma unroll
      for (int c = 0; c < kCachedPerThread; ++c) sum += expf(cached[c] - max);
      for (int64_t j = cached_per_row + threadIdx.x; j < targets; j += threads) sum += expf(values[j] * inv_temperature - max);
    }
    for (int offset = 16; offset > 0; offset /= 2) {
      const float other_max = __shfl_down_sync(0xffffffffu, max, offset);
      const float other_sum = __shfl_down_sync(0xffffffffu, sum, offset);
      merge_lse(max, sum, other_max, other_sum);
    }
    const int lane = threadIdx.x % 32, warp = threadIdx.x / 32;
    if (lane == 0) {
      shared_max[warp] = max;
      shared_sum[warp] = sum;
    }
    __syncthreads();
    if (threadIdx.x == 0) {
      for (int w = 1; w < threads / 32; ++w) merge_lse(shared_max[0], shared_sum[0], shared_max[w], shared_sum[w]);
      row_lse = shared_max[0] + logf(shared_sum[0]);
      lse_out[row] = row_lse;
      row_loss[row] = row_lse - values[row] * inv_temperature;  // the positive is column `row`
    }
  }
  __syncthreads();
  if (probabilities == nullptr) return;
  const float lse = row_lse;
  P* out = probabilities + strip_row * targets;
#pragma unroll
  for (int c = 0; c < kCachedPerThread; ++c) {
    const int64_t j = threadIdx.x + c * threads;
    if (j < targets) out[j] = from_float<P>(expf(cached[c] - lse) - (j == row ? 1.0f : 0.0f));
  }
  for (int64_t j = cached_per_row + threadIdx.x; j < targets; j += threads) {
    out[j] = from_float<P>(expf(values[j] * inv_temperature - lse) - (j == row ? 1.0f : 0.0f));
  }
}

// The batch mean of the row losses in one block, summed in double in a fixed order.
__global__ void mean_kernel(const float* row_loss, int64_t rows, float* loss) {
  __shared__ double partial[kMeanThreads];
  double sum = 0.0;
  for (int64_t i = threadIdx.x; i < rows; i += blockDim.x) sum += row_loss[i];
  partial[threadIdx.x] = sum;
  __syncthreads();
  for (int stride = blockDim.x / 2; stride > 0; stride /= 2) {
    if (threadIdx.x < stride) partial[threadIdx.x] += partial[threadIdx.x + stride];
    __syncthreads();
  }
  if (threadIdx.x == 0) *loss = static_cast<float>(partial[0] / static_cast<double>(rows));
}

struct Problem {
  int32_t dtype;
  int64_t element_bytes;
  const char* q;
  const char* t;
  int64_t queries, targets, dim;
  float inv_temperature;
  vlm2vec_infonce_plan plan;
  float* logits;
  void* probabilities;  // == logits for fp32
  float* row_loss;
  cudaStream_t stream;
};

int32_t prepare(Problem& p, int32_t dtype, const void* q, const void* t, int64_t queries, int64_t targets, int64_t dim,
                float temperature, void* workspace, int64_t workspace_bytes, void* stream) {
  clear_last_error();
  if (!element_bytes_of(dtype, &p.element_bytes)) return invalid_argument("InfoNCE: unknown dtype " + std::to_string(dtype));
  if (!(temperature > 0.0f) || !std::isfinite(temperature)) {
    return invalid_argument("InfoNCE: temperature must be a positive finite number, got " + std::to_string(temperature));
  }
  if (vlm2vec_infonce_plan_for(queries, targets, dim, dtype, &p.plan) != VLM2VEC_OK) {
    return invalid_argument("InfoNCE: need queries >= 1, dim >= 1 and targets >= queries, got queries=" +
                            std::to_string(queries) + " targets=" + std::to_string(targets) +
                            " dim=" + std::to_string(dim));
  }
  if (q == nullptr || t == nullptr || workspace == nullptr) {
    set_last_error("InfoNCE: q, t and workspace must not be NULL");
    return VLM2VEC_ERR_NULL_POINTER;
  }
  if (workspace_bytes < p.plan.workspace_bytes) {
    return invalid_argument("InfoNCE: workspace of " + std::to_string(workspace_bytes) + " bytes, the plan needs " +
                            std::to_string(p.plan.workspace_bytes));
  }
  p.dtype = dtype;
  p.q = static_cast<const char*>(q);
  p.t = static_cast<const char*>(t);
  p.queries = queries;
  p.targets = targets;
  p.dim = dim;
  p.inv_temperature = 1.0f / temperature;
  p.stream = static_cast<cudaStream_t>(stream);
  char* base = static_cast<char*>(workspace);
  p.logits = reinterpret_cast<float*>(base + p.plan.logits_offset);
  p.probabilities = base + p.plan.probabilities_offset;
  p.row_loss = reinterpret_cast<float*>(base + p.plan.row_loss_offset);
  return VLM2VEC_OK;
}

// logits[0:rows, :] = q[first:first+rows] t^T (fp32).
int32_t strip_logits(const Problem& p, int64_t first, int64_t rows) {
  const GemmOperand q_strip{p.q + first * p.dim * p.element_bytes, p.dim, false};
  const GemmOperand t_transposed{p.t, p.dim, true};
  return gemm(p.dtype, rows, p.targets, p.dim, 1.0f, q_strip, t_transposed, 0.0f, p.logits, true, p.targets, p.stream,
              "InfoNCE logits GEMM");
}

int32_t strip_softmax(const Problem& p, int64_t first, int64_t rows, const float* lse_in, float* lse_out,
                      bool probabilities) {
  const dim3 grid(static_cast<unsigned>(rows)), block(static_cast<unsigned>(p.plan.row_threads));
  switch (p.dtype) {
    case VLM2VEC_DTYPE_FLOAT32:
      strip_softmax_kernel<float><<<grid, block, 0, p.stream>>>(p.logits, p.targets, first, p.inv_temperature, lse_in,
                                                                 lse_out, p.row_loss,
                                                                 probabilities ? static_cast<float*>(p.probabilities) : nullptr);
      break;
    case VLM2VEC_DTYPE_BFLOAT16:
      strip_softmax_kernel<__nv_bfloat16><<<grid, block, 0, p.stream>>>(
          p.logits, p.targets, first, p.inv_temperature, lse_in, lse_out, p.row_loss,
          probabilities ? static_cast<__nv_bfloat16*>(p.probabilities) : nullptr);
      break;
    default:
      strip_softmax_kernel<__half><<<grid, block, 0, p.stream>>>(p.logits, p.targets, first, p.inv_temperature, lse_in,
                                                                  lse_out, p.row_loss,
                                                                  probabilities ? static_cast<__half*>(p.probabilities) : nullptr);
  }
  return check_cuda(cudaGetLastError(), "InfoNCE softmax kernel launch");
}

// grad_q[strip] = coef (P t); grad_t (+)= coef P^T q_strip, with coef = grad_loss / (B tau).
// P is in the operand dtype (fp32 P overwrote the logits in place).
int32_t strip_gradients(const Problem& p, int64_t first, int64_t rows, float grad_loss, float* grad_q, float* grad_t) {
  const float coef = grad_loss * p.inv_temperature / static_cast<float>(p.queries);
  const GemmOperand probabilities{p.probabilities, p.targets, false};
  const GemmOperand probabilities_transposed{p.probabilities, p.targets, true};
  const GemmOperand t{p.t, p.dim, false};
  const GemmOperand q_strip{p.q + first * p.dim * p.element_bytes, p.dim, false};
  int32_t status = gemm(p.dtype, rows, p.dim, p.targets, coef, probabilities, t, 0.0f, grad_q + first * p.dim, true,
                        p.dim, p.stream, "InfoNCE grad_q GEMM");
  if (status != VLM2VEC_OK) return status;
  return gemm(p.dtype, p.targets, p.dim, rows, coef, probabilities_transposed, q_strip, first == 0 ? 0.0f : 1.0f,
              grad_t, true, p.dim, p.stream, "InfoNCE grad_t GEMM");
}

int32_t finish_mean(const Problem& p, float* loss) {
  mean_kernel<<<1, kMeanThreads, 0, p.stream>>>(p.row_loss, p.queries, loss);
  return check_cuda(cudaGetLastError(), "InfoNCE mean kernel launch");
}

enum class Pass { kForward, kBackward, kBoth };

int32_t run(Pass pass, int32_t dtype, const void* q, const void* t, int64_t queries, int64_t targets, int64_t dim,
            float temperature, const float* lse_in, float grad_loss, float* lse, float* loss, float* grad_q,
            float* grad_t, void* workspace, int64_t workspace_bytes, void* stream) {
  Problem p{};
  int32_t status = prepare(p, dtype, q, t, queries, targets, dim, temperature, workspace, workspace_bytes, stream);
  if (status != VLM2VEC_OK) return status;
  const bool forward = pass != Pass::kBackward, backward = pass != Pass::kForward;
  if ((forward && (lse == nullptr || loss == nullptr)) || (backward && (grad_q == nullptr || grad_t == nullptr)) ||
      (pass == Pass::kBackward && lse_in == nullptr)) {
    set_last_error("InfoNCE: an output or the lse input is NULL");
    return VLM2VEC_ERR_NULL_POINTER;
  }
  for (int64_t first = 0; first < queries; first += p.plan.strip_rows) {
    const int64_t rows = std::min(p.plan.strip_rows, queries - first);
    if ((status = strip_logits(p, first, rows)) != VLM2VEC_OK) return status;
    if ((status = strip_softmax(p, first, rows, pass == Pass::kBackward ? lse_in : nullptr, lse, backward)) != VLM2VEC_OK) {
      return status;
    }
    if (backward && (status = strip_gradients(p, first, rows, grad_loss, grad_q, grad_t)) != VLM2VEC_OK) return status;
  }
  return forward ? finish_mean(p, loss) : VLM2VEC_OK;
}

}  // namespace
}  // namespace vlm2vec::kernels

using vlm2vec::kernels::Pass;

extern "C" int32_t vlm2vec_cuda_infonce_forward(int32_t dtype, const void* q, const void* t, int64_t queries,
                                                int64_t targets, int64_t dim, float temperature, float* lse,
                                                float* loss, void* workspace, int64_t workspace_bytes, void* stream) {
  return vlm2vec::kernels::run(Pass::kForward, dtype, q, t, queries, targets, dim, temperature, nullptr, 0.0f, lse,
                               loss, nullptr, nullptr, workspace, workspace_bytes, stream);
}

extern "C" int32_t vlm2vec_cuda_infonce_backward(int32_t dtype, const void* q, const void* t, int64_t queries,
                                                 int64_t targets, int64_t dim, float temperature, const float* lse,
                                                 float grad_loss, float* grad_q, float* grad_t, void* workspace,
                                                 int64_t workspace_bytes, void* stream) {
  return vlm2vec::kernels::run(Pass::kBackward, dtype, q, t, queries, targets, dim, temperature, lse, grad_loss,
                               nullptr, nullptr, grad_q, grad_t, workspace, workspace_bytes, stream);
}

extern "C" int32_t vlm2vec_cuda_infonce_forward_backward(int32_t dtype, const void* q, const void* t,
                                                         int64_t queries, int64_t targets, int64_t dim,
                                                         float temperature, float grad_loss, float* lse, float* loss,
                                                         float* grad_q, float* grad_t, void* workspace,
                                                         int64_t workspace_bytes, void* stream) {
  return vlm2vec::kernels::run(Pass::kBoth, dtype, q, t, queries, targets, dim, temperature, nullptr, grad_loss, lse,
                               loss, grad_q, grad_t, workspace, workspace_bytes, stream);
}
