#include "models/layers/lora_adapter.h"

#include "common/error.h"

namespace vlm2vec::models {

LoraAdapter::LoraAdapter(const torch::Tensor& base_weight, const LoraSettings& settings) : settings_(settings) {
  check_argument(settings.rank >= 1, "LoRA rank must be >= 1, got " + std::to_string(settings.rank));
  check_argument(settings.dropout >= 0.0 && settings.dropout < 1.0,
                 "LoRA dropout must be in [0, 1), got " + std::to_string(settings.dropout));
  const auto options = base_weight.options().dtype(torch::kFloat32);
  const int64_t out = base_weight.size(0), in = base_weight.size(1);
  a_ = register_parameter("lora_A", torch::randn({settings.rank, in}, options) / static_cast<double>(settings.rank));
  b_ = register_parameter("lora_B", torch::zeros({out, settings.rank}, options));
  if (settings.dora) {
    torch::NoGradGuard no_grad;
    magnitude_ = register_parameter("lora_magnitude_vector", base_weight.to(torch::kFloat32).norm(2, 1));
  }
}

torch::Tensor LoraAdapter::weight_norm(const torch::Tensor& weight) const {
  torch::NoGradGuard no_grad;
  return (weight.to(torch::kFloat32) + settings_.scale() * b_.mm(a_)).norm(2, 1);
}

torch::Tensor LoraAdapter::forward(const torch::Tensor& x, const torch::Tensor& weight, const torch::Tensor& bias,
                                   const torch::Tensor& base_out) {
  const bool drop = settings_.dropout > 0.0 && is_training();
  const auto xd = drop ? torch::dropout(x, settings_.dropout, true) : x;
  const auto lora = torch::linear(torch::linear(xd.to(torch::kFloat32), a_), b_) * settings_.scale();
  if (!settings_.dora) return base_out + lora.to(base_out.scalar_type());
  const auto scale = (magnitude_ / weight_norm(weight)).view({1, -1});
  // PEFT reuses the base output when dropout is identity, else forms W xd itself.
  const auto base_term = drop ? torch::linear(xd, weight) : (bias.defined() ? base_out - bias : base_out);
  const auto dora = (scale - 1.0) * base_term.to(torch::kFloat32) + scale * lora;
  return base_out + dora.to(base_out.scalar_type());
}

torch::Tensor LoraAdapter::merged_weight(const torch::Tensor& weight) const {
  torch::NoGradGuard no_grad;
  const auto adapted = weight.to(torch::kFloat32) + settings_.scale() * b_.mm(a_);
  if (!settings_.dora) return adapted.to(weight.scalar_type());
  return ((magnitude_ / adapted.norm(2, 1)).view({-1, 1}) * adapted).to(weight.scalar_type());
}

}  // namespace vlm2vec::models
