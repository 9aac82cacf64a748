// Rotary position embeddings: plain RoPE (Llama, Mistral) and Phi-3's LongRoPE ("su" /
// "longrope" scaling: per-frequency short and long factors plus an attention factor).
#pragma once

#include <torch/torch.h>

#include <optional>
#include <vector>

namespace vlm2vec::models {

struct LongRopeScaling {
  std::vector<double> short_factor;  // head_dim / 2 values each
  std::vector<double> long_factor;
  int64_t original_max_position_embeddings = 4096;
  int64_t max_position_embeddings = 131072;
};

class RotaryEmbedding {
 public:
  RotaryEmbedding(int64_t head_dim, double theta, std::optional<LongRopeScaling> scaling);

  // cos and sin tables [batch, seq_len, head_dim] in dtype, for positions 0..seq_len-1.
  // Under LongRoPE each row takes the long factors when its own length (real tokens)
  // exceeds original_max_position_embeddings, else the short ones. Upstream decides from the
  // padded length of the whole batch; per-row is identical whenever the batch lies on one
  // side of the boundary, and keeps an input's embedding independent of its neighbours.
  std::pair<torch::Tensor, torch::Tensor> tables(const torch::Tensor& lengths, int64_t seq_len,
                                                 torch::ScalarType dtype, torch::Device device) const;

  // inv_freq[i] = 1 / (factor[i] * theta^(2i/head_dim)), in fp32 (factor 1 without scaling).
  torch::Tensor inverse_frequencies(bool long_regime, torch::Device device) const;

  // sqrt(1 + ln(max/original) / ln(original)) under LongRoPE (1 when max <= original), else 1.
  double attention_factor() const;

  int64_t head_dim() const { return head_dim_; }

 private:
  // (cos, sin) [seq_len, head_dim] in fp32 for one regime, attention factor applied.
  std::pair<torch::Tensor, torch::Tensor> cos_sin(bool long_regime, int64_t seq_len, torch::Device device) const;

  int64_t head_dim_;
  double theta_;
  std::optional<LongRopeScaling> scaling_;
};

// q' = q cos + rotate_half(q) sin with rotate_half(x) = cat(-x2, x1); x is [batch, heads,
// seq, head_dim] and cos/sin [batch, seq, head_dim].
torch::Tensor apply_rotary(const torch::Tensor& x, const torch::Tensor& cos, const torch::Tensor& sin);

}  // namespace vlm2vec::models
