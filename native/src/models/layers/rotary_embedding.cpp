#include "models/layers/rotary_embedding.h"

#include <cmath>
#include <string>

#include "common/error.h"

namespace vlm2vec::models {

RotaryEmbedding::RotaryEmbedding(int64_t head_dim, double theta, std::optional<LongRopeScaling> scaling)
    : head_dim_(head_dim), theta_(theta), scaling_(std::move(scaling)) {
  check_argument(head_dim % 2 == 0, "rotary head_dim must be even, got " + std::to_string(head_dim));
  if (scaling_) {
    const size_t half = static_cast<size_t>(head_dim / 2);
    if (scaling_->short_factor.size() != half || scaling_->long_factor.size() != half) {
      throw Error(VLM2VEC_ERR_BAD_MODEL, "rope_scaling needs " + std::to_string(half) +
                                             " short and long factors (head_dim / 2), got " +
                                             std::to_string(scaling_->short_factor.size()) + " and " +
                                             std::to_string(scaling_->long_factor.size()));
    }
  }
}

torch::Tensor RotaryEmbedding::inverse_frequencies(bool long_regime, torch::Device device) const {
  const auto exponents = torch::arange(0, head_dim_, 2, torch::kInt64).to(torch::kFloat32) / static_cast<float>(head_dim_);
  auto denominator = torch::pow(static_cast<float>(theta_), exponents);
  if (scaling_) {
    const auto& factors = long_regime ? scaling_->long_factor : scaling_->short_factor;
    denominator = torch::tensor(std::vector<float>(factors.begin(), factors.end()), torch::kFloat32) * denominator;
  }
  return (1.0 / denominator).to(device);
}

double RotaryEmbedding::attention_factor() const {
  if (!scaling_) return 1.0;
  const double scale = static_cast<double>(scaling_->max_position_embeddings) /
                       static_cast<double>(scaling_->original_max_position_embeddings);
  if (scale <= 1.0) return 1.0;
  return std::sqrt(1.0 + std::log(scale) / std::log(static_cast<double>(scaling_->original_max_position_embeddings)));
}

std::pair<torch::Tensor, torch::Tensor> RotaryEmbedding::cos_sin(bool long_regime, int64_t seq_len,
                                                                 torch::Device device) const {
  const auto positions = torch::arange(seq_len, torch::TensorOptions().dtype(torch::kFloat32).device(device));
  const auto freqs = positions.unsqueeze(1) * inverse_frequencies(long_regime, device).unsqueeze(0);
  const auto angles = torch::cat({freqs, freqs}, -1);
  const double factor = attention_factor();
  return {angles.cos() * factor, angles.sin() * factor};
}

std::pair<torch::Tensor, torch::Tensor> RotaryEmbedding::tables(const torch::Tensor& lengths, int64_t seq_len,
                                                                torch::ScalarType dtype, torch::Device device) const {
  const int64_t batch = lengths.size(0);
  const auto [short_cos, short_sin] = cos_sin(false, seq_len, device);
  if (!scaling_) {
    return {short_cos.to(dtype).unsqueeze(0).expand({batch, seq_len, head_dim_}),
            short_sin.to(dtype).unsqueeze(0).expand({batch, seq_len, head_dim_})};
  }
  const auto long_rows = (lengths.to(device) > scaling_->original_max_position_embeddings).view({batch, 1, 1});
  const auto [long_cos, long_sin] = cos_sin(true, seq_len, device);
  return {torch::where(long_rows, long_cos.unsqueeze(0), short_cos.unsqueeze(0)).to(dtype),
          torch::where(long_rows, long_sin.unsqueeze(0), short_sin.unsqueeze(0)).to(dtype)};
}

torch::Tensor apply_rotary(const torch::Tensor& x, const torch::Tensor& cos, const torch::Tensor& sin) {
  // Written out with rotate_half's concatenation: an out= form writing each half in place measured
  // slower here (its strided half-width loops cost more than the copies they save; encode bench
  // profile, Qwen2-VL's 40-wide halves).
  const int64_t half = x.size(-1) / 2;
  const auto rotated = torch::cat({-x.narrow(-1, half, half), x.narrow(-1, 0, half)}, -1);
  return x * cos.unsqueeze(1) + rotated * sin.unsqueeze(1);
}

}  // namespace vlm2vec::models
