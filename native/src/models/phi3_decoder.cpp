#include "models/phi3_decoder.h"

#include "models/attention.h"

namespace vlm2vec::models {

Phi3DecoderLayer::Phi3DecoderLayer(io::Checkpoint& checkpoint, const std::string& prefix, const Phi3Config& config)
    : heads_(config.num_heads), kv_heads_(config.num_kv_heads), head_dim_(config.head_dim()) {
  const int64_t hidden = config.hidden_size;
  const int64_t qkv_rows = (heads_ + 2 * kv_heads_) * head_dim_;
  input_norm_ = register_module("input_layernorm", std::make_shared<RmsNorm>(checkpoint, prefix + ".input_layernorm.weight", hidden, config.rms_norm_eps));
  post_attention_norm_ = register_module("post_attention_layernorm", std::make_shared<RmsNorm>(checkpoint, prefix + ".post_attention_layernorm.weight", hidden, config.rms_norm_eps));
  qkv_proj_ = register_module("qkv_proj", std::make_shared<Linear>(checkpoint, prefix + ".self_attn.qkv_proj", hidden, qkv_rows, false));
  o_proj_ = register_module("o_proj", std::make_shared<Linear>(checkpoint, prefix + ".self_attn.o_proj", heads_ * head_dim_, hidden, false));
  gate_up_proj_ = register_module("gate_up_proj", std::make_shared<Linear>(checkpoint, prefix + ".mlp.gate_up_proj", hidden, 2 * config.intermediate_size, false));
  down_proj_ = register_module("down_proj", std::make_shared<Linear>(checkpoint, prefix + ".mlp.down_proj", config.intermediate_size, hidden, false));
}

torch::Tensor Phi3DecoderLayer::forward(const torch::Tensor& x, const torch::Tensor& cos, const torch::Tensor& sin,
                                        const torch::Tensor& key_padding) const {
  const int64_t batch = x.size(0), seq = x.size(1);
  const auto qkv = qkv_proj_->forward(input_norm_->forward(x));
  const auto heads = [&](int64_t offset, int64_t count) {
    return qkv.narrow(-1, offset * head_dim_, count * head_dim_).view({batch, seq, count, head_dim_}).transpose(1, 2);
  };
  const auto q = apply_rotary(heads(0, heads_), cos, sin);
  const auto k = apply_rotary(heads(heads_, kv_heads_), cos, sin);
  const auto v = heads(heads_ + kv_heads_, kv_heads_);
  const auto h = x + o_proj_->forward(causal_attention(q, k, v, key_padding));
  const auto gate_up = gate_up_proj_->forward(post_attention_norm_->forward(h));
  const int64_t intermediate = gate_up.size(-1) / 2;
  const auto gated = gate_up.narrow(-1, intermediate, intermediate) * torch::silu(gate_up.narrow(-1, 0, intermediate));
  return h + down_proj_->forward(gated);
}

Phi3Decoder::Phi3Decoder(io::Checkpoint& checkpoint, const std::string& prefix, const Phi3Config& config)
    : config_(config), rotary_(config.head_dim(), config.rope_theta, config.rope_scaling) {
  embed_tokens_ = register_parameter("embed_tokens", checkpoint.take(prefix + ".embed_tokens.weight",
                                                                     {config.vocab_size, config.hidden_size}), false);
  for (int64_t i = 0; i < config.num_layers; ++i) {
    layers_.push_back(register_module("layer" + std::to_string(i),
                                      std::make_shared<Phi3DecoderLayer>(checkpoint, prefix + ".layers." + std::to_string(i), config)));
  }
  norm_ = register_module("norm", std::make_shared<RmsNorm>(checkpoint, prefix + ".norm.weight", config.hidden_size, config.rms_norm_eps));
}

torch::Tensor Phi3Decoder::embed(const torch::Tensor& input_ids) const { return torch::embedding(embed_tokens_, input_ids); }

torch::Tensor Phi3Decoder::forward(const torch::Tensor& inputs_embeds, const torch::Tensor& attention_mask) const {
  const auto key_padding = attention_mask.to(torch::kBool);
  const auto lengths = attention_mask.sum(1);
  const auto [cos, sin] = rotary_.tables(lengths, inputs_embeds.size(1), inputs_embeds.scalar_type(), inputs_embeds.device());
  auto h = inputs_embeds;
  for (const auto& layer : layers_) h = layer->forward(h, cos, sin, key_padding);
  return norm_->forward(h);
}

}  // namespace vlm2vec::models
