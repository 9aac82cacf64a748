// C ABI: last-token pooling over caller-owned buffers, wrapped without copies.
#include <torch/torch.h>

#include <string>

#include "abi/buffer_checks.h"
#include "abi/guard.h"
#include "ops/last_token_pool.h"
#include "vlm2vec.h"

extern "C" int32_t vlm2vec_last_token_pool_normalize(const float* hidden, int64_t hidden_numel,
                                                     int64_t batch, int64_t seq_len,
                                                     int64_t hidden_size, const int64_t* lengths,
                                                     float* out, int64_t out_numel) {
  return vlm2vec::abi::guarded([&] {
    using namespace vlm2vec::abi;
    check_dimension("batch", batch, 0);
    check_dimension("seq_len", seq_len, 1);
    check_dimension("hidden_size", hidden_size, 1);
    check_buffer("hidden", hidden, hidden_numel, checked_product({batch, seq_len, hidden_size}),
                 "batch * seq_len * hidden_size");
    check_buffer("lengths", lengths, batch, batch, "batch");
    check_buffer("out", out, out_numel, checked_product({batch, hidden_size}), "batch * hidden_size");
    for (int64_t b = 0; b < batch; ++b) {
      vlm2vec::check_argument(lengths[b] >= 1 && lengths[b] <= seq_len,
                              "lengths[" + std::to_string(b) + "] = " + std::to_string(lengths[b]) +
                                  " is out of range: it must be in [1, seq_len = " +
                                  std::to_string(seq_len) + "]");
    }
    if (batch == 0) return;
    const auto options = torch::TensorOptions().dtype(torch::kFloat32);
    // from_blob wraps the caller's memory; nothing is copied in and the result is written
    // straight into the caller's output buffer.
    const auto hidden_view = torch::from_blob(const_cast<float*>(hidden), {batch, seq_len, hidden_size}, options);
    const auto lengths_view = torch::from_blob(const_cast<int64_t*>(lengths), {batch}, options.dtype(torch::kLong));
    auto out_view = torch::from_blob(out, {batch, hidden_size}, options);
    out_view.copy_(vlm2vec::ops::last_token_pool_normalize(hidden_view, lengths_view));
  });
}
