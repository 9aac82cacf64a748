// A pre-norm decoder-only transformer as Phi-3, Mistral and Llama share it: token
// embedding, N layers, final RMSNorm, rotary positions. Only the layer differs between the
// families (fused or separate projections), so layers are made by a factory.
#pragma once

#include <torch/torch.h>

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "io/checkpoint.h"
#include "models/layers/linear.h"
#include "models/layers/rotary_embedding.h"

namespace vlm2vec::models {

struct DecoderConfig {
  int64_t vocab_size = 32064;
  int64_t hidden_size = 3072;
  int64_t intermediate_size = 8192;
  int64_t num_layers = 32;
  int64_t num_heads = 32;
  int64_t num_kv_heads = 32;
  int64_t head_dim = 96;
  double rms_norm_eps = 1e-5;
  double rope_theta = 10000.0;
  std::optional<LongRopeScaling> rope_scaling;  // Phi-3's LongRoPE; none for Llama / Mistral
  bool attention_bias = false;  // q, k, v projections with biases (Qwen2; o_proj never has one)
};

class DecoderLayer : public torch::nn::Module {
 public:
  // x [batch, seq, hidden]; cos, sin [batch, seq, head_dim]; key_padding [batch, seq] bool.
  virtual torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& cos, const torch::Tensor& sin,
                                const torch::Tensor& key_padding) const = 0;
};

using DecoderLayerFactory =
    std::function<std::shared_ptr<DecoderLayer>(io::Checkpoint&, const std::string& prefix, const DecoderConfig&)>;

class Decoder : public torch::nn::Module {
 public:
  // prefix: where embed_tokens, layers.N and norm live, e.g. "model".
  Decoder(io::Checkpoint& checkpoint, const std::string& prefix, const DecoderConfig& config,
          const DecoderLayerFactory& make_layer);

  torch::Tensor embed(const torch::Tensor& input_ids) const;

  // inputs_embeds [batch, seq, hidden], attention_mask [batch, seq] (1 real, 0 padding, right
  // padded) -> last hidden states after the final norm.
  torch::Tensor forward(const torch::Tensor& inputs_embeds, const torch::Tensor& attention_mask) const;

  // As above with the rotary tables given, cos and sin [batch, seq, head_dim] (Qwen2-VL's
  // multimodal positions), and any padding side. hidden_states, when given, receives the input
  // and every layer's output (the last one before the final norm), for tests.
  torch::Tensor forward(const torch::Tensor& inputs_embeds, const torch::Tensor& attention_mask, const torch::Tensor& cos,
                        const torch::Tensor& sin, std::vector<torch::Tensor>* hidden_states = nullptr) const;

  const DecoderConfig& config() const { return config_; }
  const torch::Tensor& embedding_weight() const { return embed_tokens_; }

 private:
  DecoderConfig config_;
  RotaryEmbedding rotary_;
  torch::Tensor embed_tokens_;
  std::vector<std::shared_ptr<DecoderLayer>> layers_;
  std::shared_ptr<RmsNorm> norm_;
};

}  // namespace vlm2vec::models
