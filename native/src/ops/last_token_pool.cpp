#include "ops/last_token_pool.h"

#include <ATen/Parallel.h>

#include <algorithm>
#include <cmath>

namespace vlm2vec::ops {
namespace {

// The CPU twin for contiguous fp32 input: one pass over the pooled rows only, summing
// squares in double so the norm does not depend on the hidden size's rounding error.
torch::Tensor pool_normalize_cpu_f32(const torch::Tensor& hidden, const torch::Tensor& lengths) {
  const int64_t batch = hidden.size(0), seq_len = hidden.size(1), hidden_size = hidden.size(2);
  auto out = torch::empty({batch, hidden_size}, hidden.options());
  const float* in = hidden.data_ptr<float>();
  const int64_t* length = lengths.data_ptr<int64_t>();
  float* result = out.data_ptr<float>();
  at::parallel_for(0, batch, 1, [&](int64_t begin, int64_t end) {
    for (int64_t b = begin; b < end; ++b) {
      const float* row = in + (b * seq_len + length[b] - 1) * hidden_size;
      double squares = 0.0;
      for (int64_t i = 0; i < hidden_size; ++i) squares += static_cast<double>(row[i]) * row[i];
      const float scale = static_cast<float>(1.0 / std::max(std::sqrt(squares), 1e-12));
      float* destination = result + b * hidden_size;
      for (int64_t i = 0; i < hidden_size; ++i) destination[i] = row[i] * scale;
    }
  });
  return out;
}

void check_pool_arguments(const torch::Tensor& hidden, const torch::Tensor& lengths) {
  TORCH_CHECK(hidden.dim() == 3, "hidden states must be [batch, seq_len, hidden], got ", hidden.sizes());
  TORCH_CHECK(lengths.dim() == 1 && lengths.size(0) == hidden.size(0),
              "lengths must be [batch] = [", hidden.size(0), "], got ", lengths.sizes());
  TORCH_CHECK(lengths.scalar_type() == torch::kLong, "lengths must be int64");
  if (hidden.size(0) > 0) {
    const auto shortest = lengths.min().item<int64_t>();
    const auto longest = lengths.max().item<int64_t>();
    TORCH_CHECK(shortest >= 1 && longest <= hidden.size(1), "every length must be in [1, ", hidden.size(1),
                "], got lengths in [", shortest, ", ", longest, "]");
  }
}

}  // namespace

torch::Tensor last_token_pool(const torch::Tensor& hidden, const torch::Tensor& lengths) {
  check_pool_arguments(hidden, lengths);
  const int64_t batch = hidden.size(0), hidden_size = hidden.size(2);
  const auto last = (lengths.to(hidden.device()) - 1).view({batch, 1, 1}).expand({batch, 1, hidden_size});
  return hidden.gather(1, last).squeeze(1);
}

torch::Tensor last_token_pool_normalize(const torch::Tensor& hidden, const torch::Tensor& lengths) {
  check_pool_arguments(hidden, lengths);
  if (hidden.device().is_cpu() && hidden.scalar_type() == torch::kFloat32 && hidden.is_contiguous() &&
      lengths.device().is_cpu() && lengths.is_contiguous()) {
    return pool_normalize_cpu_f32(hidden, lengths);
  }
  namespace F = torch::nn::functional;
  return F::normalize(last_token_pool(hidden, lengths), F::NormalizeFuncOptions().p(2.0).dim(-1).eps(1e-12));
}

}  // namespace vlm2vec::ops
