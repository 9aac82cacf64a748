#include "models/phi3v/phi3_layer.h"

#include "models/layers/attention.h"
#include "models/layers/needs_autograd.h"

namespace vlm2vec::models {

Phi3Layer::Phi3Layer(io::Checkpoint& checkpoint, const std::string& prefix, const DecoderConfig& config)
    : heads_(config.num_heads), kv_heads_(config.num_kv_heads), head_dim_(config.head_dim) {
  const int64_t hidden = config.hidden_size;
  input_norm_ = register_module("input_layernorm", std::make_shared<RmsNorm>(checkpoint, prefix + ".input_layernorm.weight", hidden, config.rms_norm_eps));
  post_attention_norm_ = register_module("post_attention_layernorm", std::make_shared<RmsNorm>(checkpoint, prefix + ".post_attention_layernorm.weight", hidden, config.rms_norm_eps));
  qkv_proj_ = register_module("qkv_proj", std::make_shared<Linear>(checkpoint, prefix + ".self_attn.qkv_proj", hidden, (heads_ + 2 * kv_heads_) * head_dim_, false));
  o_proj_ = register_module("o_proj", std::make_shared<Linear>(checkpoint, prefix + ".self_attn.o_proj", heads_ * head_dim_, hidden, false));
  gate_up_proj_ = register_module("gate_up_proj", std::make_shared<Linear>(checkpoint, prefix + ".mlp.gate_up_proj", hidden, 2 * config.intermediate_size, false));
  down_proj_ = register_module("down_proj", std::make_shared<Linear>(checkpoint, prefix + ".mlp.down_proj", config.intermediate_size, hidden, false));
}

torch::Tensor Phi3Layer::forward(const torch::Tensor& x, const torch::Tensor& cos, const torch::Tensor& sin,
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
  const auto up = gate_up.narrow(-1, intermediate, intermediate), gate = gate_up.narrow(-1, 0, intermediate);
  const auto gated = needs_autograd(gate_up) ? up * torch::silu(gate) : torch::silu(gate).mul_(up);
  return h + down_proj_->forward(gated);
}

}  // namespace vlm2vec::models
