#include "models/layers/attention.h"

#include <torch/version.h>

#include <cmath>
#include <limits>

#include "common/error.h"
#include "models/layers/needs_autograd.h"

namespace vlm2vec::models {

AttentionKernel default_attention_kernel() {
#if TORCH_VERSION_MAJOR >= 2
  return AttentionKernel::kFused;
#else
  return AttentionKernel::kExplicit;
#endif
}

torch::Tensor repeat_kv(const torch::Tensor& x, int64_t groups) {
  if (groups == 1) return x;
  const auto sizes = x.sizes();
  return x.unsqueeze(2)
      .expand({sizes[0], sizes[1], groups, sizes[2], sizes[3]})
      .reshape({sizes[0], sizes[1] * groups, sizes[2], sizes[3]});
}

torch::Tensor causal_attention(const torch::Tensor& q, const torch::Tensor& k, const torch::Tensor& v,
                               const torch::Tensor& key_padding, AttentionKernel kernel) {
  const int64_t batch = q.size(0), heads = q.size(1), seq = q.size(2), head_dim = q.size(3);
  TORCH_CHECK(heads % k.size(1) == 0, "query heads (", heads, ") must be a multiple of KV heads (", k.size(1), ")");
  const auto keys = repeat_kv(k, heads / k.size(1));
  const auto values = repeat_kv(v, heads / v.size(1));
  // allowed[b, 1, i, j]: key j is at or before query i and is a real token. With right
  // padding every query row keeps at least its first key, so no row is fully masked.
  const auto causal = torch::ones({seq, seq}, torch::TensorOptions().dtype(torch::kBool).device(q.device())).tril();
  const auto allowed = causal.view({1, 1, seq, seq}) & key_padding.to(torch::kBool).view({batch, 1, 1, seq});
  torch::Tensor context;
#if TORCH_VERSION_MAJOR >= 2
  if (kernel == AttentionKernel::kFused) {
    context = at::scaled_dot_product_attention(q, keys, values, allowed);
  }
#endif
  if (!context.defined()) {
    // The scale on the queries ([seq, head_dim]) rather than on the scores ([seq, seq]): one pass
    // over the scores fewer, the same product up to rounding.
    auto scores = torch::matmul(q * (1.0 / std::sqrt(static_cast<double>(head_dim))), keys.transpose(2, 3));
    const double lowest = static_cast<double>(std::numeric_limits<float>::lowest());
    scores = scores.to(torch::kFloat32);
    scores = needs_autograd(scores) ? scores.masked_fill(allowed.logical_not(), lowest)
                                    : scores.masked_fill_(allowed.logical_not(), lowest);
    const auto weights = torch::softmax(scores, -1, torch::kFloat32).to(values.scalar_type());
    context = torch::matmul(weights, values);
  }
  return context.transpose(1, 2).reshape({batch, seq, heads * head_dim});
}

}  // namespace vlm2vec::models
