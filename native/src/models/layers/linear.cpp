#include "models/layers/linear.h"

namespace vlm2vec::models {

Linear::Linear(io::Checkpoint& checkpoint, const std::string& prefix, int64_t in_features, int64_t out_features,
               bool bias)
    : name_(prefix) {
  weight_ = register_parameter("weight", checkpoint.take(prefix + ".weight", {out_features, in_features}), false);
  if (bias) bias_ = register_parameter("bias", checkpoint.take(prefix + ".bias", {out_features}), false);
}

torch::Tensor Linear::forward(const torch::Tensor& x) {
  auto out = bias_.defined() ? torch::linear(x, weight_, bias_) : torch::linear(x, weight_);
  return adapter_ ? adapter_->forward(x, weight_, bias_, out) : out;
}

void Linear::attach(std::shared_ptr<LoraAdapter> adapter) {
  if (adapter_) unregister_module("adapter");
  adapter_ = register_module("adapter", std::move(adapter));
  adapter_->train(is_training());  // a fresh module trains by default; follow this layer
}

std::shared_ptr<LoraAdapter> Linear::detach() {
  auto adapter = std::move(adapter_);
  adapter_.reset();
  if (adapter) unregister_module("adapter");
  return adapter;
}

LayerNorm::LayerNorm(io::Checkpoint& checkpoint, const std::string& prefix, int64_t size, double eps) : eps_(eps) {
  weight_ = register_parameter("weight", checkpoint.take(prefix + ".weight", {size}), false);
  bias_ = register_parameter("bias", checkpoint.take(prefix + ".bias", {size}), false);
}

torch::Tensor LayerNorm::forward(const torch::Tensor& x) const {
  return torch::layer_norm(x, {weight_.size(0)}, weight_, bias_, eps_);
}

RmsNorm::RmsNorm(io::Checkpoint& checkpoint, const std::string& name, int64_t size, double eps) : eps_(eps) {
  weight_ = register_parameter("weight", checkpoint.take(name, {size}), false);
}

torch::Tensor RmsNorm::forward(const torch::Tensor& x) const { return rms_norm(x, weight_, eps_); }

torch::Tensor rms_norm(const torch::Tensor& x, const torch::Tensor& weight, double eps) {
  const auto x32 = x.to(torch::kFloat32);
  const auto normalized = x32 * torch::rsqrt(x32.pow(2).mean(-1, /*keepdim=*/true) + eps);
  return weight * normalized.to(x.scalar_type());
}

}  // namespace vlm2vec::models
