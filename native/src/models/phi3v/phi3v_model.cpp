#include "models/phi3v/phi3v_model.h"

#include <filesystem>

#include "common/error.h"
#include "io/json_file.h"
#include "models/config_checks.h"
#include "models/phi3v/phi3_layer.h"

namespace vlm2vec::models {
namespace {

// Ids in (-1e9, 0) are image placeholders: image k of a prompt is written as -k.
constexpr int64_t kMaxPlaceholderMagnitude = 1000000000;
const std::string kVisionPrefix = "model.vision_embed_tokens";
const std::string kClipPrefix = kVisionPrefix + ".img_processor.vision_model";

}  // namespace

Phi3VConfig read_phi3v_config(const std::string& directory, const io::Checkpoint& checkpoint) {
  namespace fs = std::filesystem;
  const std::string path = (fs::path(directory) / "config.json").string();
  const auto json = io::read_json_file(path);
  Phi3VConfig config;
  config.text = read_decoder_sizes(json, path, 1e-5, 10000.0);
  DecoderConfig& text = config.text;
  config.pad_token_id = io::optional<int64_t>(json, "pad_token_id", 32000, path);
  if (json.contains("rope_scaling") && !json["rope_scaling"].is_null()) {
    const auto& scaling = json["rope_scaling"];
    const auto type = io::optional<std::string>(scaling, "type", io::optional<std::string>(scaling, "rope_type", "", path), path);
    if (type != "su" && type != "longrope") {
      throw Error(VLM2VEC_ERR_UNSUPPORTED, path + ": rope_scaling type '" + type + "' is not supported (su, longrope)");
    }
    LongRopeScaling longrope;
    longrope.short_factor = io::required<std::vector<double>>(scaling, "short_factor", path + " rope_scaling");
    longrope.long_factor = io::required<std::vector<double>>(scaling, "long_factor", path + " rope_scaling");
    longrope.max_position_embeddings = io::required<int64_t>(json, "max_position_embeddings", path);
    longrope.original_max_position_embeddings = io::required<int64_t>(json, "original_max_position_embeddings", path);
    text.rope_scaling = longrope;
  }

  config.vision = infer_clip_config(checkpoint, kClipPrefix);
  if (json.contains("img_processor") && json["img_processor"].contains("clip_config")) {
    apply_clip_json(config.vision, json["img_processor"]["clip_config"], path + " img_processor.clip_config");
  }
  check_decoder_config(text, path);
  check_clip_config(config.vision, path + " img_processor.clip_config");
  const fs::path preprocessor = fs::path(directory) / "preprocessor_config.json";
  if (fs::exists(preprocessor)) {
    config.num_crops = io::optional<int64_t>(io::read_json_file(preprocessor.string()), "num_crops", 4, preprocessor.string());
  }
  return config;
}

Phi3VModel::Phi3VModel(io::Checkpoint& checkpoint, const Phi3VConfig& config) : config_(config) {
  decoder_ = register_module("model", std::make_shared<Decoder>(checkpoint, "model", config.text,
                                                                [](io::Checkpoint& c, const std::string& prefix, const DecoderConfig& d) {
                                                                  return std::make_shared<Phi3Layer>(c, prefix, d);
                                                                }));
  images_ = register_module("vision_embed_tokens",
                            std::make_shared<Phi3VImageEmbedding>(checkpoint, kVisionPrefix, config.vision, config.text.hidden_size));
  // Upstream ties vision_embed_tokens.wte to embed_tokens; a file that stores it must
  // store the same tensor.
  const std::string alias = kVisionPrefix + ".wte.weight";
  if (checkpoint.contains(alias)) {
    checkpoint.ignore(alias);
    const auto stored = checkpoint.raw(alias);
    const auto embed = checkpoint.raw("model.embed_tokens.weight");
    if (stored.sizes() != embed.sizes() || !torch::equal(stored.to(torch::kFloat32), embed.to(torch::kFloat32))) {
      throw Error(VLM2VEC_ERR_BAD_MODEL, "tensor '" + alias + "' must equal 'model.embed_tokens.weight' (they are tied)");
    }
  }
  checkpoint.ignore("lm_head.weight");
  info_.architecture = "phi3_v";
  info_.hidden_size = config.text.hidden_size;
  info_.num_layers = config.text.num_layers;
  info_.image_size = config.vision.image_size;
  info_.max_crops = config.num_crops + 1;
}

torch::Tensor Phi3VModel::hidden_states(const EncodeBatch& batch) const {
  return decoder_->forward(input_embeddings(batch), batch.attention_mask.to(decoder_->embedding_weight().device()));
}

torch::Tensor Phi3VModel::input_embeddings(const EncodeBatch& batch) const {
  check_encode_batch(batch, config_.text.vocab_size, ImageLayout::kViews);
  const auto device = decoder_->embedding_weight().device();
  const auto ids = batch.input_ids.to(device);
  const auto placeholders = (ids < 0) & (ids > -kMaxPlaceholderMagnitude);
  check_argument(!((ids <= -kMaxPlaceholderMagnitude).any().item<bool>()), "input_ids hold an id <= -1e9");
  auto embeds = decoder_->embed(ids.clamp_min(0));
  const int64_t placeholder_count = placeholders.sum().item<int64_t>();
  const int64_t images = batch.pixel_values.defined() ? batch.pixel_values.size(0) : 0;
  if (images > 0) {
    const auto features = images_->forward(batch.pixel_values.to(device), batch.image_sizes);
    if (features.size(0) != placeholder_count) {
      throw Error(VLM2VEC_ERR_INVALID_ARGUMENT, "the prompts hold " + std::to_string(placeholder_count) +
                                                    " image placeholder tokens but their " + std::to_string(images) +
                                                    " image(s) give " + std::to_string(features.size(0)) +
                                                    " features: expand each image placeholder to its token count");
    }
    // Row-major placeholder order is the images' order: example by example, left to right.
    embeds = embeds.index_put({placeholders}, features.to(embeds.scalar_type()));
  } else if (placeholder_count > 0) {
    throw Error(VLM2VEC_ERR_INVALID_ARGUMENT, "input_ids hold " + std::to_string(placeholder_count) +
                                                  " image placeholder tokens (negative ids) but no image was given");
  }
  return embeds;
}

}  // namespace vlm2vec::models
