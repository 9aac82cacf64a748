#include "models/qwen2vl/qwen2vl_model.h"

#include <filesystem>

#include "common/error.h"
#include "io/json_file.h"
#include "models/config_checks.h"
#include "models/layers/llama_layer.h"
#include "models/qwen2vl/mrope.h"
#include "models/qwen2vl/rope_index.h"
#include "ops/last_token_pool.h"

namespace vlm2vec::models::qwen2vl {

Qwen2VlConfig qwen2vl_config_from_json(const nlohmann::json& file, const std::string& where) {
  Qwen2VlConfig c;
  // transformers >= 4.52 nests the text keys; its text_config wins over stale top-level copies.
  nlohmann::json json = file;
  if (file.contains("text_config") && file.at("text_config").is_object()) {
    for (const auto& [key, value] : file.at("text_config").items()) json[key] = value;
  }
  c.decoder = read_decoder_sizes(json, where, 1e-6, 1000000.0);
  DecoderConfig& d = c.decoder;
  d.attention_bias = true;
  check_decoder_config(d, where);
  c.image_token_id = io::optional<int64_t>(json, "image_token_id", c.image_token_id, where);
  c.vision_start_token_id = io::optional<int64_t>(json, "vision_start_token_id", c.vision_start_token_id, where);
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

Qwen2VlConfig read_qwen2vl_config(const std::string& directory, const io::Checkpoint& checkpoint) {
  const std::string path = (std::filesystem::path(directory) / "config.json").string();
  auto config = qwen2vl_config_from_json(io::read_json_file(path), path);
  if (checkpoint.contains("model.language_model.embed_tokens.weight")) {
    config.decoder_prefix = "model.language_model";
    config.vision_prefix = "model.visual";
  }
  return config;
}

Qwen2VlModel::Qwen2VlModel(io::Checkpoint& checkpoint, const Qwen2VlConfig& config) : config_(config) {
  vision_ = register_module("visual", std::make_shared<VisionTower>(checkpoint, config.vision_prefix, config.vision));
  decoder_ = register_module("model", std::make_shared<Decoder>(checkpoint, config.decoder_prefix, config.decoder,
                                                                [](io::Checkpoint& c, const std::string& prefix, const DecoderConfig& d) {
                                                                  return std::make_shared<LlamaLayer>(c, prefix, d);
                                                                }));
  // 2B ties lm_head to the embedding and stores none; 7B stores one. Embeddings use neither.
  checkpoint.ignore("lm_head.weight");
  info_.architecture = "qwen2_vl";
  info_.hidden_size = config.decoder.hidden_size;
  info_.num_layers = config.decoder.num_layers;
  info_.image_size = config.vision.patch_size * config.vision.spatial_merge_size;
  info_.max_crops = 0;
}

torch::Tensor Qwen2VlModel::hidden_states(const EncodeBatch& batch) const {
  check_encode_batch(batch, config_.decoder.vocab_size, ImageLayout::kPatches, /*takes_position_ids=*/true);
  const auto device = decoder_->embedding_weight().device();
  const auto positions = batch.position_ids.defined()
                             ? batch.position_ids
                             : rope_index(batch.input_ids, batch.attention_mask, batch.image_grid_thw, config_.image_token_id,
                                          config_.vision_start_token_id, config_.vision.spatial_merge_size);
  const auto pixels = batch.pixel_values.defined() ? batch.pixel_values.to(device) : batch.pixel_values;
  const auto grids = batch.image_grid_thw.defined() ? batch.image_grid_thw.to(device) : batch.image_grid_thw;
  return forward(batch.input_ids.to(device), batch.attention_mask.to(device), pixels, grids, positions.to(device));
}

torch::Tensor Qwen2VlModel::input_embeddings(const torch::Tensor& input_ids, const torch::Tensor& pixel_values,
                                             const torch::Tensor& grid_thw) const {
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
  return embeds;
}

torch::Tensor Qwen2VlModel::forward(const torch::Tensor& input_ids, const torch::Tensor& attention_mask,
                                    const torch::Tensor& pixel_values, const torch::Tensor& grid_thw,
                                    const torch::Tensor& position_ids, std::vector<torch::Tensor>* hidden_states) const {
  const auto embeds = input_embeddings(input_ids, pixel_values, grid_thw);
  if (position_ids.dim() != 3 || position_ids.size(1) != input_ids.size(0) || position_ids.size(2) != input_ids.size(1)) {
    throw Error(VLM2VEC_ERR_INVALID_ARGUMENT, "position_ids must be [3, " + std::to_string(input_ids.size(0)) + ", " +
                                                  std::to_string(input_ids.size(1)) + "], got " + c10::str(position_ids.sizes()));
  }
  const auto [cos, sin] = mrope_tables(position_ids, config_.decoder.head_dim, config_.decoder.rope_theta, config_.mrope_section,
                                       embeds.scalar_type());
  return decoder_->forward(embeds, attention_mask, cos, sin, hidden_states);
}

torch::Tensor Qwen2VlModel::embed(const torch::Tensor& input_ids, const torch::Tensor& attention_mask,
                                  const torch::Tensor& pixel_values, const torch::Tensor& grid_thw,
                                  const torch::Tensor& position_ids) const {
  const auto hidden = forward(input_ids, attention_mask, pixel_values, grid_thw, position_ids);
  // The project's one pooling op (with its CUDA twin); its "lengths" are the pooled positions + 1.
  return ops::last_token_pool_normalize(hidden.contiguous(), (models::pooled_positions(attention_mask) + 1).to(hidden.device()));
}

}  // namespace vlm2vec::models::qwen2vl
