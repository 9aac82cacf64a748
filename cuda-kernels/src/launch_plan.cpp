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
}  // namespace

extern "C" int32_t vlm2vec_pool_normalize_plan(int64_t batch, int64_t seq_len, int64_t hidden_size,
                                               vlm2vec_launch_plan* out) {
  if (out == nullptr) return VLM2VEC_ERR_NULL_POINTER;
  if (batch < 0 || seq_len < 1 || hidden_size < 1 || batch > kMaxGridX) return VLM2VEC_ERR_INVALID_ARGUMENT;
  // Enough threads that each reads few elements, rounded to whole warps for the shuffle
  // reduction; short rows get one warp rather than idle lanes in a large block.
  const int64_t threads = std::min(kMaxThreadsPerBlock, (hidden_size + kWarpSize - 1) / kWarpSize * kWarpSize);
  out->grid = static_cast<int32_t>(batch);
  out->block = static_cast<int32_t>(threads);
  out->shared_bytes = static_cast<int32_t>(threads / kWarpSize * sizeof(float));
  return VLM2VEC_OK;
}
