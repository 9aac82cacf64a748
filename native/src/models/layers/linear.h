// Building blocks whose weights come from a checkpoint: y = x W^T + b, LayerNorm, RMSNorm.
#pragma once

#include <torch/torch.h>

#include <memory>
#include <string>

#include "io/checkpoint.h"
#include "models/layers/lora_adapter.h"

namespace vlm2vec::models {

// A linear layer with Hugging Face's [out, in] weight layout, loaded from prefix.weight
// (and prefix.bias). Its base weights are frozen unless full fine-tuning unfreezes them; a
// LoRA/DoRA adapter may be attached (training/adapters.h), which forward() then applies.
class Linear : public torch::nn::Module {
 public:
  Linear(io::Checkpoint& checkpoint, const std::string& prefix, int64_t in_features, int64_t out_features, bool bias);
  torch::Tensor forward(const torch::Tensor& x);
  int64_t in_features() const { return weight_.size(1); }
  int64_t out_features() const { return weight_.size(0); }

  // The checkpoint name of this layer (without ".weight"), e.g. "model.layers.0.mlp.down_proj".
  const std::string& name() const { return name_; }
  torch::Tensor& weight() { return weight_; }
  torch::Tensor& bias() { return bias_; }

  void attach(std::shared_ptr<LoraAdapter> adapter);
  std::shared_ptr<LoraAdapter> detach();
  const std::shared_ptr<LoraAdapter>& adapter() const { return adapter_; }

 private:
  std::string name_;
  torch::Tensor weight_;
  torch::Tensor bias_;
  std::shared_ptr<LoraAdapter> adapter_;
};

class LayerNorm : public torch::nn::Module {
 public:
  LayerNorm(io::Checkpoint& checkpoint, const std::string& prefix, int64_t size, double eps);
  torch::Tensor forward(const torch::Tensor& x) const;

 private:
  torch::Tensor weight_;
  torch::Tensor bias_;
  double eps_;
};

// RMSNorm as Phi-3 and Mistral compute it: in fp32, h = x * rsqrt(mean(x^2) + eps), cast
// back to the input dtype, and only then multiplied by the weight.
class RmsNorm : public torch::nn::Module {
 public:
  RmsNorm(io::Checkpoint& checkpoint, const std::string& name, int64_t size, double eps);
  torch::Tensor forward(const torch::Tensor& x) const;

 private:
  torch::Tensor weight_;
  double eps_;
};

torch::Tensor rms_norm(const torch::Tensor& x, const torch::Tensor& weight, double eps);

}  // namespace vlm2vec::models
