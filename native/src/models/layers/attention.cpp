#include "models/layers/attention.h"

#include <torch/version.h>

#include <algorithm>
#include <cmath>
#include <vector>
#include <limits>

#include "common/error.h"
#include "models/layers/needs_autograd.h"

namespace vlm2vec::models {
namespace {

constexpr int64_t kScoreBlockBytes = 64LL << 20;

}  // namespace

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

int64_t score_block_rows(int64_t count, int64_t keys) {
  const int64_t row_bytes = std::max<int64_t>(1, count * keys * static_cast<int64_t>(sizeof(float)));
  return std::max<int64_t>(64, kScoreBlockBytes / row_bytes);
}

torch::Tensor full_attention(const torch::Tensor& q, const torch::Tensor& k, const torch::Tensor& v, double scale,
                             int64_t block_rows) {
  const int64_t seq = q.size(1);
  const int64_t rows = block_rows > 0 ? block_rows : score_block_rows(q.size(0), k.size(1));
  std::vector<torch::Tensor> blocks;
  for (int64_t first = 0; first < seq; first += rows) {
    const auto scores = torch::matmul(q.narrow(1, first, std::min(rows, seq - first)), k.transpose(1, 2)) * scale;
    blocks.push_back(torch::matmul(torch::softmax(scores.to(torch::kFloat), -1).to(v.scalar_type()), v));
  }
  return blocks.size() == 1 ? blocks[0] : torch::cat(blocks, 1);
}

torch::Tensor causal_attention(const torch::Tensor& q, const torch::Tensor& k, const torch::Tensor& v,
                               const torch::Tensor& key_padding, AttentionKernel kernel, int64_t block_rows) {
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
    const auto scaled = q * (1.0 / std::sqrt(static_cast<double>(head_dim)));
    const double lowest = static_cast<double>(std::numeric_limits<float>::lowest());
    // Query rows in blocks (softmax is per row, so this is exact): at most about kScoreBlockBytes of
    // fp32 scores at a time instead of [batch, heads, seq, seq], and a block's rows see only the keys
    // up to its last row (the rest are masked by causality), which halves the attention products
    // of long sequences.
    const int64_t rows = block_rows > 0 ? block_rows : score_block_rows(batch * heads, seq);
    std::vector<torch::Tensor> blocks;
    for (int64_t first = 0; first < seq; first += rows) {
      const int64_t count = std::min(rows, seq - first), visible = first + count;
      auto scores = torch::matmul(scaled.narrow(2, first, count), keys.narrow(2, 0, visible).transpose(2, 3)).to(torch::kFloat32);
      const auto blocked = allowed.narrow(2, first, count).narrow(3, 0, visible).logical_not();
      scores = needs_autograd(scores) ? scores.masked_fill(blocked, lowest) : scores.masked_fill_(blocked, lowest);
      const auto weights = torch::softmax(scores, -1, torch::kFloat32).to(values.scalar_type());
      blocks.push_back(torch::matmul(weights, values.narrow(2, 0, visible)));
    }
    context = blocks.size() == 1 ? blocks[0] : torch::cat(blocks, 2);
  }
  return context.transpose(1, 2).reshape({batch, seq, heads * head_dim});
}

}  // namespace vlm2vec::models
