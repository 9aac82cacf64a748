#include "models/qwen2vl/qwen2vl_model.h"

#include "common/error.h"
#include "io/json_file.h"
#include "models/config_checks.h"
#include "models/llama_layer.h"
#include "models/qwen2vl/mrope.h"
#include "ops/last_token_pool.h"

namespace vlm2vec::models::qwen2vl {

Qwen2VlConfig qwen2vl_config_from_json(const nlohmann::json& json, const std::string& where) {
  Qwen2VlConfig c;
  DecoderConfig& d = c.decoder;
  d.vocab_size = io::required<int64_t>(json, "vocab_size", where);
  d.hidden_size = io::required<int64_t>(json, "hidden_size", where);
  d.intermediate_size = io::required<int64_t>(json, "intermediate_size", where);
  d.num_layers = io::required<int64_t>(json, "num_hidden_layers", where);
  d.num_heads = io::required<int64_t>(json, "num_attention_heads", where);
  d.num_kv_heads = io::optional<int64_t>(json, "num_key_value_heads", d.num_heads, where);
  d.rms_norm_eps = io::optional<double>(json, "rms_norm_eps", 1e-6, where);
  d.rope_theta = io::optional<double>(json, "rope_theta", 1000000.0, where);
  d.attention_bias = true;
  check_range(where, "num_attention_heads", d.num_heads, 1, d.hidden_size);
  if (d.hidden_size % d.num_heads != 0) {
    throw Error(VLM2VEC_ERR_BAD_MODEL, where + ": hidden_size is not a multiple of num_attention_heads");
  }
  d.head_dim = d.hidden_size / d.num_heads;
  check_decoder_config(d, where);
  c.image_token_id = io::optional<int64_t>(json, "image_token_id", c.image_token_id, where);
  if (json.contains("rope_scaling") && json.at("rope_scaling").is_object()) {
    const auto& scaling = json.at("rope_scaling");
    if (scaling.contains("mrope_section")) {
      c.mrope_section = scaling.at("mrope_section").get<std::vector<int64_t>>();
    }
  }
  if (c.mrope_section.size() != 3 || c.mrope_section[0] + c.mrope_section[1] + c.mrope_section[2] != d.head_dim / 2) {
    throw Error(VLM2VEC_ERR_BAD_MODEL, where + ": rope_scaling.mrope_section must be three numbers summing to head_dim / 2 = " +
                                           std::to_string(d.head_dim / 2));
  }
  if (!json.contains("vision_config") || !json.at("vision_config").is_object()) {
    throw Error(VLM2VEC_ERR_BAD_MODEL, where + ": a qwen2_vl config needs a vision_config object");
  }
  c.vision = vision_config_from_json(json.at("vision_config"), where + " vision_config");
  if (c.vision.hidden_size != d.hidden_size) {
    throw Error(VLM2VEC_ERR_BAD_MODEL, where + ": vision_config.hidden_size (" + std::to_string(c.vision.hidden_size) +
                                           ") must equal the language model's hidden_size (" + std::to_string(d.hidden_size) + ")");
  }
  return c;
}

Qwen2VlModel::Qwen2VlModel(io::Checkpoint& checkpoint, const Qwen2VlConfig& config) : config_(config) {
  vision_ = register_module("visual", std::make_shared<VisionTower>(checkpoint, "visual", config.vision));
  decoder_ = register_module("model", std::make_shared<Decoder>(checkpoint, "model", config.decoder,
                                                                [](io::Checkpoint& c, const std::string& prefix, const DecoderConfig& d) {
                                                                  return std::make_shared<LlamaLayer>(c, prefix, d);
                                                                }));
  // 2B ties lm_head to the embedding and stores none; 7B stores one. Embeddings use neither.
  checkpoint.ignore("lm_head.weight");
}

torch::Tensor Qwen2VlModel::forward(const torch::Tensor& input_ids, const torch::Tensor& attention_mask,
                                    const torch::Tensor& pixel_values, const torch::Tensor& grid_thw,
                                    const torch::Tensor& position_ids, std::vector<torch::Tensor>* hidden_states) const {
  auto embeds = decoder_->embed(input_ids);
  const auto placeholders = input_ids == config_.image_token_id;
  const int64_t slots = placeholders.sum().item<int64_t>();
  if (pixel_values.defined() && pixel_values.numel() > 0) {
    const auto features = vision_->forward(pixel_values, grid_thw).to(embeds.scalar_type());
    if (features.size(0) != slots) {
      throw Error(VLM2VEC_ERR_INVALID_ARGUMENT, "the batch has " + std::to_string(slots) + " <|image_pad|> tokens but its images give " +
                                                    std::to_string(features.size(0)) + " features");
    }
    // In order over the batch, row-major: what masked_scatter does upstream.
    embeds = embeds.masked_scatter(placeholders.unsqueeze(-1).expand_as(embeds), features);
  } else if (slots != 0) {
    throw Error(VLM2VEC_ERR_INVALID_ARGUMENT, "the batch has " + std::to_string(slots) + " <|image_pad|> tokens and no images");
  }
  if (position_ids.dim() != 3 || position_ids.size(1) != input_ids.size(0) || position_ids.size(2) != input_ids.size(1)) {
    throw Error(VLM2VEC_ERR_INVALID_ARGUMENT, "position_ids must be [3, " + std::to_string(input_ids.size(0)) + ", " +
                                                  std::to_string(input_ids.size(1)) + "], got " + c10::str(position_ids.sizes()));
  }
  const auto [cos, sin] = mrope_tables(position_ids, config_.decoder.head_dim, config_.decoder.rope_theta, config_.mrope_section,
                                       embeds.scalar_type());
  return decoder_->forward(embeds, attention_mask, cos, sin, hidden_states);
}

torch::Tensor Qwen2VlModel::pooled_positions(const torch::Tensor& attention_mask) {
  const auto mask = attention_mask.to(torch::kLong);
  const int64_t seq = mask.size(1);
  if (mask.select(1, seq - 1).sum().item<int64_t>() == mask.size(0)) {
    return torch::full({mask.size(0)}, seq - 1, torch::TensorOptions().dtype(torch::kLong).device(mask.device()));
  }
  return mask.sum(1) - 1;
}

torch::Tensor Qwen2VlModel::embed(const torch::Tensor& input_ids, const torch::Tensor& attention_mask,
                                  const torch::Tensor& pixel_values, const torch::Tensor& grid_thw,
                                  const torch::Tensor& position_ids) const {
  const auto hidden = forward(input_ids, attention_mask, pixel_values, grid_thw, position_ids);
  // The project's one pooling op (with its CUDA twin); its "lengths" are the pooled positions + 1.
  return ops::last_token_pool_normalize(hidden.contiguous(), (pooled_positions(attention_mask) + 1).to(hidden.device()));
}

}  // namespace vlm2vec::models::qwen2vl
