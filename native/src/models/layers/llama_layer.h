// A Llama-family decoder layer (Llama / Vicuna, Mistral, and Qwen2 with biased q, k, v): separate
// q, k, v, o projections with grouped-query attention, SiLU-gated MLP with separate gate, up and
// down projections.
#pragma once

#include <memory>
#include <string>

#include "models/layers/decoder.h"

namespace vlm2vec::models {

class LlamaLayer : public DecoderLayer {
 public:
  LlamaLayer(io::Checkpoint& checkpoint, const std::string& prefix, const DecoderConfig& config);
  torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& cos, const torch::Tensor& sin,
                        const torch::Tensor& key_padding) const override;

 private:
  int64_t heads_, kv_heads_, head_dim_;
  std::shared_ptr<RmsNorm> input_norm_, post_attention_norm_;
  std::shared_ptr<Linear> q_proj_, k_proj_, v_proj_, o_proj_, gate_proj_, up_proj_, down_proj_;
};

}  // namespace vlm2vec::models
