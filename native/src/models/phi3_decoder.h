// The Phi-3 decoder: pre-norm layers with a fused qkv projection (rows Q | K | V), a fused
// SiLU-gated gate_up MLP (first half gate, second half up), RMSNorm and LongRoPE.
#pragma once

#include <torch/torch.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "io/checkpoint.h"
#include "models/linear.h"
#include "models/rotary_embedding.h"

namespace vlm2vec::models {

struct Phi3Config {
  int64_t vocab_size = 32064;
  int64_t hidden_size = 3072;
  int64_t intermediate_size = 8192;
  int64_t num_layers = 32;
  int64_t num_heads = 32;
  int64_t num_kv_heads = 32;
  double rms_norm_eps = 1e-5;
  double rope_theta = 10000.0;
  std::optional<LongRopeScaling> rope_scaling;
  int64_t pad_token_id = 32000;

  int64_t head_dim() const { return hidden_size / num_heads; }
};

class Phi3DecoderLayer : public torch::nn::Module {
 public:
  Phi3DecoderLayer(io::Checkpoint& checkpoint, const std::string& prefix, const Phi3Config& config);
  torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& cos, const torch::Tensor& sin,
                        const torch::Tensor& key_padding) const;

 private:
  int64_t heads_, kv_heads_, head_dim_;
  std::shared_ptr<RmsNorm> input_norm_, post_attention_norm_;
  std::shared_ptr<Linear> qkv_proj_, o_proj_, gate_up_proj_, down_proj_;
};

class Phi3Decoder : public torch::nn::Module {
 public:
  // prefix: "model" for Phi-3 / Phi-3.5-V checkpoints.
  Phi3Decoder(io::Checkpoint& checkpoint, const std::string& prefix, const Phi3Config& config);

  torch::Tensor embed(const torch::Tensor& input_ids) const;

  // inputs_embeds [batch, seq, hidden], attention_mask [batch, seq] (1 real, 0 padding, right
  // padded) -> last hidden states after the final norm.
  torch::Tensor forward(const torch::Tensor& inputs_embeds, const torch::Tensor& attention_mask) const;

  const Phi3Config& config() const { return config_; }
  const torch::Tensor& embedding_weight() const { return embed_tokens_; }

 private:
  Phi3Config config_;
  RotaryEmbedding rotary_;
  torch::Tensor embed_tokens_;
  std::vector<std::shared_ptr<Phi3DecoderLayer>> layers_;
  std::shared_ptr<RmsNorm> norm_;
};

}  // namespace vlm2vec::models
