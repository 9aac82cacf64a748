// Building blocks whose weights come from a checkpoint: y = x W^T + b, LayerNorm, RMSNorm.
#pragma once

#include <torch/torch.h>

#include <string>

#include "io/checkpoint.h"

namespace vlm2vec::models {

// A linear layer with Hugging Face's [out, in] weight layout, loaded from prefix.weight
// (and prefix.bias). Frozen: the base weights are never trained here.
class Linear : public torch::nn::Module {
 public:
  Linear(io::Checkpoint& checkpoint, const std::string& prefix, int64_t in_features, int64_t out_features, bool bias);
  torch::Tensor forward(const torch::Tensor& x) const;
  int64_t in_features() const { return weight_.size(1); }
  int64_t out_features() const { return weight_.size(0); }

 private:
  torch::Tensor weight_;
  torch::Tensor bias_;
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
