// Host-side launch planning: pure arithmetic, compiled by the host compiler so that it is
// unit-tested on machines without a GPU.
#include <algorithm>
#include <cstdint>
#include <limits>

#include "vlm2vec_kernels.h"

namespace {
constexpr int64_t kWarpSize = 32;
constexpr int64_t kMaxThreadsPerBlock = 1024;
constexpr int64_t kMaxGridX = std::numeric_limits<int32_t>::max();

int64_t align_up(int64_t value, int64_t quantum) { return (value + quantum - 1) / quantum * quantum; }
}  // namespace

extern "C" int32_t vlm2vec_pool_normalize_plan(int64_t batch, int64_t seq_len, int64_t hidden_size,
                                               vlm2vec_launch_plan* out) {
  if (out == nullptr) return VLM2VEC_ERR_NULL_POINTER;
  if (batch < 0 || seq_len < 1 || hidden_size < 1 || batch > kMaxGridX) return VLM2VEC_ERR_INVALID_ARGUMENT;
  // Enough threads that each reads few elements, rounded to whole warps for the shuffle
  // reduction; short rows get one warp rather than idle lanes in a large block.
  const int64_t threads = std::min(kMaxThreadsPerBlock, align_up(hidden_size, kWarpSize));
  out->grid = static_cast<int32_t>(batch);
  out->block = static_cast<int32_t>(threads);
  out->shared_bytes = static_cast<int32_t>(threads / kWarpSize * sizeof(float));
  return VLM2VEC_OK;
}

namespace {
constexpr int64_t kStripQuantum = 64;    // GEMM-tile multiple for strip heights
constexpr int64_t kWorkspaceAlign = 256; // cuBLAS and vector loads like 256-byte bases
}  // namespace

extern "C" int32_t vlm2vec_infonce_plan_for(int64_t queries, int64_t targets, int64_t dim, int32_t dtype,
                                            vlm2vec_infonce_plan* out) {
  if (out == nullptr) return VLM2VEC_ERR_NULL_POINTER;
  if (queries < 1 || dim < 1 || targets < queries) return VLM2VEC_ERR_INVALID_ARGUMENT;
  int64_t element_bytes = 0;
  switch (dtype) {
    case VLM2VEC_DTYPE_FLOAT32: element_bytes = 4; break;
    case VLM2VEC_DTYPE_BFLOAT16:
    case VLM2VEC_DTYPE_FLOAT16: element_bytes = 2; break;
    default: return VLM2VEC_ERR_INVALID_ARGUMENT;
  }
  // A strip holds no more logits than q and t hold numbers together ((queries + targets) *
  // dim), so memory stays O(B * D) however large B grows, while strips stay tall enough that
  // each GEMM is large and few strips re-read and re-write grad_t; at least one GEMM tile
  // high, at most every query.
  const int64_t budget = (queries + targets) * dim;
  const int64_t rows_for_budget = align_up((budget + targets - 1) / targets, kStripQuantum);
  const int64_t rows = std::min(queries, std::max(kStripQuantum, rows_for_budget));
  const int64_t logits_bytes = align_up(rows * targets * 4, kWorkspaceAlign);
  // fp32 probabilities overwrite the logits in place; 16-bit ones need their own buffer
  // because the GEMMs that consume them read 16-bit operands.
  const int64_t probability_bytes =
      element_bytes == 4 ? 0 : align_up(rows * targets * element_bytes, kWorkspaceAlign);
  const int64_t row_loss_bytes = align_up(queries * 4, kWorkspaceAlign);
  out->strip_rows = rows;
  out->strips = (queries + rows - 1) / rows;
  out->logits_offset = 0;
  out->probabilities_offset = element_bytes == 4 ? 0 : logits_bytes;
  out->row_loss_offset = logits_bytes + probability_bytes;
  out->workspace_bytes = logits_bytes + probability_bytes + row_loss_bytes;
  const int64_t threads_for_row = align_up((targets + VLM2VEC_INFONCE_LOGITS_PER_THREAD - 1) /
                                               VLM2VEC_INFONCE_LOGITS_PER_THREAD, kWarpSize);
  out->row_threads = std::min(kMaxThreadsPerBlock, threads_for_row);
  return VLM2VEC_OK;
}
