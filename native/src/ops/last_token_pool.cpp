#include "ops/last_token_pool.h"

#include <string>

namespace vlm2vec::ops {

torch::Tensor last_token_pool_normalize(const torch::Tensor& hidden, const torch::Tensor& lengths) {
  TORCH_CHECK(hidden.dim() == 3, "hidden states must be [batch, seq_len, hidden], got ",
              hidden.sizes());
  TORCH_CHECK(lengths.dim() == 1 && lengths.size(0) == hidden.size(0),
              "lengths must be [batch] = [", hidden.size(0), "], got ", lengths.sizes());
  TORCH_CHECK(lengths.scalar_type() == torch::kLong, "lengths must be int64");
  const int64_t batch = hidden.size(0);
  const int64_t hidden_size = hidden.size(2);
  if (batch > 0) {
    const auto shortest = lengths.min().item<int64_t>();
    const auto longest = lengths.max().item<int64_t>();
    TORCH_CHECK(shortest >= 1 && longest <= hidden.size(1), "every length must be in [1, ",
                hidden.size(1), "], got lengths in [", shortest, ", ", longest, "]");
  }
  const auto last = (lengths.to(hidden.device()) - 1).view({batch, 1, 1}).expand({batch, 1, hidden_size});
  const auto pooled = hidden.gather(1, last).squeeze(1);
  namespace F = torch::nn::functional;
  return F::normalize(pooled, F::NormalizeFuncOptions().p(2.0).dim(-1).eps(1e-12));
}

}  // namespace vlm2vec::ops
