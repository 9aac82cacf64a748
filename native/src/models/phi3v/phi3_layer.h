// A Phi-3 decoder layer: fused qkv projection (rows Q | K | V), fused SiLU-gated gate_up
// MLP (first half gate, second half up), pre-norm residuals.
#pragma once

#include <memory>
#include <string>

#include "models/layers/decoder.h"

namespace vlm2vec::models {

class Phi3Layer : public DecoderLayer {
 public:
  Phi3Layer(io::Checkpoint& checkpoint, const std::string& prefix, const DecoderConfig& config);
  torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& cos, const torch::Tensor& sin,
                        const torch::Tensor& key_padding) const override;

 private:
  int64_t heads_, kv_heads_, head_dim_;
  std::shared_ptr<RmsNorm> input_norm_, post_attention_norm_;
  std::shared_ptr<Linear> qkv_proj_, o_proj_, gate_up_proj_, down_proj_;
};

}  // namespace vlm2vec::models
