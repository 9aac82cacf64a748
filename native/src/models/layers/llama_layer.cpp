#include "models/layers/llama_layer.h"

#include "models/layers/attention.h"
#include "models/layers/needs_autograd.h"

namespace vlm2vec::models {

LlamaLayer::LlamaLayer(io::Checkpoint& checkpoint, const std::string& prefix, const DecoderConfig& config)
    : heads_(config.num_heads), kv_heads_(config.num_kv_heads), head_dim_(config.head_dim) {
  const int64_t hidden = config.hidden_size, inner = config.intermediate_size;
  const std::string attention = prefix + ".self_attn", mlp = prefix + ".mlp";
  input_norm_ = register_module("input_layernorm", std::make_shared<RmsNorm>(checkpoint, prefix + ".input_layernorm.weight", hidden, config.rms_norm_eps));
  post_attention_norm_ = register_module("post_attention_layernorm", std::make_shared<RmsNorm>(checkpoint, prefix + ".post_attention_layernorm.weight", hidden, config.rms_norm_eps));
  q_proj_ = register_module("q_proj", std::make_shared<Linear>(checkpoint, attention + ".q_proj", hidden, heads_ * head_dim_, config.attention_bias));
  k_proj_ = register_module("k_proj", std::make_shared<Linear>(checkpoint, attention + ".k_proj", hidden, kv_heads_ * head_dim_, config.attention_bias));
  v_proj_ = register_module("v_proj", std::make_shared<Linear>(checkpoint, attention + ".v_proj", hidden, kv_heads_ * head_dim_, config.attention_bias));
  o_proj_ = register_module("o_proj", std::make_shared<Linear>(checkpoint, attention + ".o_proj", heads_ * head_dim_, hidden, false));
  gate_proj_ = register_module("gate_proj", std::make_shared<Linear>(checkpoint, mlp + ".gate_proj", hidden, inner, false));
  up_proj_ = register_module("up_proj", std::make_shared<Linear>(checkpoint, mlp + ".up_proj", hidden, inner, false));
  down_proj_ = register_module("down_proj", std::make_shared<Linear>(checkpoint, mlp + ".down_proj", inner, hidden, false));
}

torch::Tensor LlamaLayer::forward(const torch::Tensor& x, const torch::Tensor& cos, const torch::Tensor& sin,
                                  const torch::Tensor& key_padding) const {
  const int64_t batch = x.size(0), seq = x.size(1);
  const auto normed = input_norm_->forward(x);
  const auto heads = [&](const torch::Tensor& projected, int64_t count) {
    return projected.view({batch, seq, count, head_dim_}).transpose(1, 2);
  };
  const auto q = apply_rotary(heads(q_proj_->forward(normed), heads_), cos, sin);
  const auto k = apply_rotary(heads(k_proj_->forward(normed), kv_heads_), cos, sin);
  const auto v = heads(v_proj_->forward(normed), kv_heads_);
  const auto h = x + o_proj_->forward(causal_attention(q, k, v, key_padding));
  const auto m = post_attention_norm_->forward(h);
  auto gate = gate_proj_->forward(m);
  const auto gated = needs_autograd(gate) ? torch::silu(gate) * up_proj_->forward(m) : torch::silu_(gate).mul_(up_proj_->forward(m));
  return h + down_proj_->forward(gated);
}

}  // namespace vlm2vec::models
