#include "models/llava_next/llava_next_model.h"

#include <filesystem>

#include "common/error.h"
#include "io/json_file.h"
#include "models/config_checks.h"
#include "models/layers/llama_layer.h"

namespace vlm2vec::models {

LlavaNextWeightNames LlavaNextWeightNames::detect(const io::Checkpoint& checkpoint) {
  if (checkpoint.contains("model.image_newline") || checkpoint.contains("model.language_model.embed_tokens.weight")) {
    return {"model.language_model", "model.vision_tower.vision_model", "model.multi_modal_projector",
            "model.image_newline", "lm_head.weight"};
  }
  return {"language_model.model", "vision_tower.vision_model", "multi_modal_projector", "image_newline",
          "language_model.lm_head.weight"};
}

LlavaNextConfig read_llava_next_config(const std::string& directory, const io::Checkpoint& checkpoint,
                                       const LlavaNextWeightNames& names) {
  const std::string path = (std::filesystem::path(directory) / "config.json").string();
  const auto json = io::read_json_file(path);
  LlavaNextConfig config;
  config.image_token_index = io::optional<int64_t>(json, "image_token_index", 32000, path);
  config.projector_act = io::optional<std::string>(json, "projector_hidden_act", "gelu", path);
  if (config.projector_act != "gelu") {
    throw Error(VLM2VEC_ERR_UNSUPPORTED, path + ": projector_hidden_act '" + config.projector_act + "' is not supported (gelu)");
  }
  const auto strategy = io::optional<std::string>(json, "vision_feature_select_strategy", "default", path);
  if (strategy != "default") {
    throw Error(VLM2VEC_ERR_UNSUPPORTED, path + ": vision_feature_select_strategy '" + strategy + "' is not supported (default)");
  }
  for (const auto& pair : io::required<std::vector<std::vector<int64_t>>>(json, "image_grid_pinpoints", path)) {
    if (pair.size() != 2) throw Error(VLM2VEC_ERR_BAD_MODEL, path + ": each image_grid_pinpoints entry must be [height, width]");
    config.pinpoints.push_back({pair[0], pair[1]});
  }

  // The text config spells out only what differs from its model_type's defaults.
  const auto text = json.contains("text_config") ? json["text_config"] : nlohmann::json::object();
  const std::string where = path + " text_config";
  const auto text_type = io::optional<std::string>(text, "model_type", "llama", where);
  if (text_type != "llama" && text_type != "mistral") {
    throw Error(VLM2VEC_ERR_UNSUPPORTED, where + ": model_type '" + text_type + "' is not supported (llama, mistral)");
  }
  const bool mistral = text_type == "mistral";
  DecoderConfig& t = config.text;
  t.vocab_size = io::optional<int64_t>(text, "vocab_size", 32000, where);
  t.hidden_size = io::optional<int64_t>(text, "hidden_size", 4096, where);
  t.intermediate_size = io::optional<int64_t>(text, "intermediate_size", mistral ? 14336 : 11008, where);
  t.num_layers = io::optional<int64_t>(text, "num_hidden_layers", 32, where);
  t.num_heads = io::optional<int64_t>(text, "num_attention_heads", 32, where);
  check_range(where, "hidden_size", t.hidden_size, 1, 1 << 16);
  check_range(where, "num_attention_heads", t.num_heads, 1, t.hidden_size);
  t.num_kv_heads = io::optional<int64_t>(text, "num_key_value_heads", mistral ? 8 : t.num_heads, where);
  t.head_dim = io::optional<int64_t>(text, "head_dim", t.hidden_size / t.num_heads, where);
  t.rms_norm_eps = io::optional<double>(text, "rms_norm_eps", 1e-6, where);
  t.rope_theta = io::optional<double>(text, "rope_theta", 10000.0, where);
  if (text.contains("rope_scaling") && !text["rope_scaling"].is_null()) {
    throw Error(VLM2VEC_ERR_UNSUPPORTED, where + ": rope_scaling is not supported for " + text_type);
  }
  // The embedding table is the authority on the vocabulary (llava-hf pads it to 32064).
  const std::string embed = names.language_model + ".embed_tokens.weight";
  if (checkpoint.contains(embed)) t.vocab_size = checkpoint.raw(embed).size(0);

  config.vision = infer_clip_config(checkpoint, names.vision_tower);
  if (json.contains("vision_config")) apply_clip_json(config.vision, json["vision_config"], path + " vision_config");
  config.vision.feature_layer = io::optional<int64_t>(json, "vision_feature_layer", -2, path);
  check_decoder_config(t, where);
  check_clip_config(config.vision, path + " vision_config");
  return config;
}

LlavaNextModel::LlavaNextModel(io::Checkpoint& checkpoint, const LlavaNextConfig& config, const LlavaNextWeightNames& names)
    : config_(config) {
  const int64_t clip_hidden = config.vision.hidden_size, hidden = config.text.hidden_size;
  vision_ = register_module("vision_tower", std::make_shared<ClipVisionTower>(checkpoint, names.vision_tower, config.vision));
  projector_in_ = register_module("linear_1", std::make_shared<Linear>(checkpoint, names.projector + ".linear_1", clip_hidden, hidden, true));
  projector_out_ = register_module("linear_2", std::make_shared<Linear>(checkpoint, names.projector + ".linear_2", hidden, hidden, true));
  image_newline_ = register_parameter("image_newline", checkpoint.take(names.image_newline, {hidden}), false);
  decoder_ = register_module("language_model", std::make_shared<Decoder>(checkpoint, names.language_model, config.text,
                                                                         [](io::Checkpoint& c, const std::string& prefix, const DecoderConfig& d) {
                                                                           return std::make_shared<LlamaLayer>(c, prefix, d);
                                                                         }));
  checkpoint.ignore(names.lm_head);
  info_.architecture = "llava_next";
  info_.hidden_size = hidden;
  info_.num_layers = config.text.num_layers;
  info_.image_size = config.vision.image_size;
  int64_t most_patches = 0;
  for (const auto& pinpoint : config.pinpoints) {
    most_patches = std::max(most_patches, (pinpoint.height / config.vision.image_size) * (pinpoint.width / config.vision.image_size) + 1);
  }
  info_.max_crops = most_patches;
}

torch::Tensor LlavaNextModel::pack(const torch::Tensor& projected, const AnyresLayout& layout) const {
  const int64_t side = config_.vision.patches_per_side(), dim = projected.size(-1);
  const auto base = projected[0];
  // Tiles [rows*cols, side^2, D] -> one map [D, rows*side, cols*side], tiles row-major.
  auto grid = projected.narrow(0, 1, layout.grid_rows * layout.grid_cols)
                  .view({layout.grid_rows, layout.grid_cols, side, side, dim})
                  .permute({4, 0, 2, 1, 3})
                  .reshape({dim, layout.grid_rows * side, layout.grid_cols * side});
  const int64_t rows = grid.size(1), cols = grid.size(2);
  grid = grid.narrow(1, (rows - layout.unpadded.height) / 2, layout.unpadded.height)
             .narrow(2, (cols - layout.unpadded.width) / 2, layout.unpadded.width);
  const auto newline = image_newline_.to(grid.scalar_type()).view({dim, 1, 1}).expand({dim, layout.unpadded.height, 1});
  const auto with_newlines = torch::cat({grid, newline}, 2).flatten(1, 2).transpose(0, 1);
  return torch::cat({base, with_newlines}, 0);
}

torch::Tensor LlavaNextModel::input_embeddings(const EncodeBatch& batch) const {
  check_encode_batch(batch, config_.text.vocab_size, ImageLayout::kViews);
  const auto device = decoder_->embedding_weight().device();
  const auto ids = batch.input_ids.to(device);
  check_argument(!(ids < 0).any().item<bool>(), "input_ids hold a negative id");
  const auto placeholders = ids == config_.image_token_index;
  auto embeds = decoder_->embed(ids);
  const int64_t placeholder_count = placeholders.sum().item<int64_t>();
  const int64_t images = batch.pixel_values.defined() ? batch.pixel_values.size(0) : 0;
  if (images == 0) {
    check_argument(placeholder_count == 0, "input_ids hold " + std::to_string(placeholder_count) +
                                               " <image> tokens (id " + std::to_string(config_.image_token_index) +
                                               ") but no image was given");
    return embeds;
  }
  const int64_t tile = config_.vision.image_size;
  TORCH_CHECK(batch.pixel_values.size(3) == tile && batch.pixel_values.size(4) == tile, "LLaVA-NeXT tiles must be ",
              tile, "x", tile, " pixels, got ", batch.pixel_values.size(3), "x", batch.pixel_values.size(4));
  std::vector<torch::Tensor> features;
  for (int64_t i = 0; i < images; ++i) {
    const int64_t height = batch.image_sizes[i][0].item<int64_t>(), width = batch.image_sizes[i][1].item<int64_t>();
    const auto layout = anyres_layout(height, width, config_.pinpoints, tile, config_.vision.patches_per_side());
    if (layout.num_patches() > batch.pixel_values.size(1)) {
      throw Error(VLM2VEC_ERR_INVALID_ARGUMENT, "image " + std::to_string(i) + " of size (" + std::to_string(height) + ", " +
                                                    std::to_string(width) + ") needs " + std::to_string(layout.num_patches()) +
                                                    " views but pixel_values holds " + std::to_string(batch.pixel_values.size(1)));
    }
    // Only this image's views: the zero padding to the batch's largest count is dropped.
    const auto views = batch.pixel_values[i].narrow(0, 0, layout.num_patches()).to(device);
    const auto projected = projector_out_->forward(torch::gelu(projector_in_->forward(vision_->forward(views))));
    features.push_back(pack(projected, layout));
  }
  const auto all = torch::cat(features, 0);
  if (all.size(0) != placeholder_count) {
    throw Error(VLM2VEC_ERR_INVALID_ARGUMENT, "the prompts hold " + std::to_string(placeholder_count) + " <image> tokens but their " +
                                                  std::to_string(images) + " image(s) give " + std::to_string(all.size(0)) +
                                                  " features: expand each <image> to its token count");
  }
  return embeds.index_put({placeholders}, all.to(embeds.scalar_type()));
}

torch::Tensor LlavaNextModel::hidden_states(const EncodeBatch& batch) const {
  return decoder_->forward(input_embeddings(batch), batch.attention_mask.to(decoder_->embedding_weight().device()));
}

}  // namespace vlm2vec::models
