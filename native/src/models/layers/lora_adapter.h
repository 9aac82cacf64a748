// A LoRA or DoRA adapter on one linear layer, with PEFT's semantics (MODELS.md section 1):
//   LoRA: y = base(x) + scale * B A dropout(x),  scale = alpha / r
//   DoRA: y = base(x) + (m / n - 1) * W xd + (m / n) * scale * B A xd,  xd = dropout(x),
//         n = ||W + scale B A|| per output row, detached (DoRA paper, section 4.3)
// where W x means the base product without bias. With dropout off this is exactly the merged
// layer (m / n) (W + scale B A) x + b. Init as PEFT's "gaussian": A ~ N(0, 1/r), B = 0,
// m = ||W|| per row. Adapter parameters are fp32 whatever the base dtype.
#pragma once

#include <torch/torch.h>

namespace vlm2vec::models {

struct LoraSettings {
  int64_t rank = 16;
  double alpha = 64.0;
  double dropout = 0.1;
  bool dora = true;

  double scale() const { return alpha / static_cast<double>(rank); }
};

class LoraAdapter : public torch::nn::Module {
 public:
  // base_weight [out, in] initialises the DoRA magnitude; generator draws A.
  LoraAdapter(const torch::Tensor& base_weight, const LoraSettings& settings);

  // The adapted layer's output given the base output base_out = x W^T + b.
  torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& weight, const torch::Tensor& bias,
                        const torch::Tensor& base_out);

  // The single weight that gives the same output with dropout off.
  torch::Tensor merged_weight(const torch::Tensor& weight) const;

  const LoraSettings& settings() const { return settings_; }
  torch::Tensor& lora_a() { return a_; }                // [r, in]
  torch::Tensor& lora_b() { return b_; }                // [out, r]
  torch::Tensor& magnitude() { return magnitude_; }     // [out]; undefined for LoRA

 private:
  torch::Tensor weight_norm(const torch::Tensor& weight) const;

  LoraSettings settings_;
  torch::Tensor a_, b_, magnitude_;
};

}  // namespace vlm2vec::models
