#include "models/layers/decoder.h"

namespace vlm2vec::models {

Decoder::Decoder(io::Checkpoint& checkpoint, const std::string& prefix, const DecoderConfig& config,
                 const DecoderLayerFactory& make_layer)
    : config_(config), rotary_(config.head_dim, config.rope_theta, config.rope_scaling) {
  embed_tokens_ = register_parameter("embed_tokens", checkpoint.take(prefix + ".embed_tokens.weight",
                                                                     {config.vocab_size, config.hidden_size}), false);
  for (int64_t i = 0; i < config.num_layers; ++i) {
    layers_.push_back(register_module("layer" + std::to_string(i),
                                      make_layer(checkpoint, prefix + ".layers." + std::to_string(i), config)));
  }
  norm_ = register_module("norm", std::make_shared<RmsNorm>(checkpoint, prefix + ".norm.weight", config.hidden_size,
                                                            config.rms_norm_eps));
}

torch::Tensor Decoder::embed(const torch::Tensor& input_ids) const { return torch::embedding(embed_tokens_, input_ids); }

torch::Tensor Decoder::forward(const torch::Tensor& inputs_embeds, const torch::Tensor& attention_mask) const {
  const auto lengths = attention_mask.sum(1);
  const auto [cos, sin] = rotary_.tables(lengths, inputs_embeds.size(1), inputs_embeds.scalar_type(), inputs_embeds.device());
  return forward(inputs_embeds, attention_mask, cos, sin);
}

torch::Tensor Decoder::forward(const torch::Tensor& inputs_embeds, const torch::Tensor& attention_mask, const torch::Tensor& cos,
                               const torch::Tensor& sin, std::vector<torch::Tensor>* hidden_states) const {
  const auto key_padding = attention_mask.to(torch::kBool);
  auto h = inputs_embeds;
  if (hidden_states != nullptr) hidden_states->push_back(h);
  for (const auto& layer : layers_) {
    h = layer->forward(h, cos, sin, key_padding);
    if (hidden_states != nullptr) hidden_states->push_back(h);
  }
  return norm_->forward(h);
}

}  // namespace vlm2vec::models
