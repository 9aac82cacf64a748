#include "models/layers/clip_vision.h"

#include <cmath>
#include <regex>

#include "common/error.h"
#include "io/json_file.h"
#include "models/layers/needs_autograd.h"

namespace vlm2vec::models {

ClipVisionConfig infer_clip_config(const io::Checkpoint& checkpoint, const std::string& prefix) {
  ClipVisionConfig clip;
  const std::string patch = prefix + ".embeddings.patch_embedding.weight";
  const std::string positions = prefix + ".embeddings.position_embedding.weight";
  if (checkpoint.contains(patch) && checkpoint.contains(positions)) {
    // A copy: sizes() of the temporary tensor would dangle once the statement ends.
    const std::vector<int64_t> patch_shape = checkpoint.raw(patch).sizes().vec();
    if (patch_shape.size() != 4) {
      throw Error(VLM2VEC_ERR_BAD_MODEL, "tensor '" + patch + "' in " + checkpoint.directory() + " must be 4-D [hidden, channels, patch, patch]");
    }
    clip.hidden_size = patch_shape[0];
    clip.num_channels = patch_shape[1];
    clip.patch_size = patch_shape[2];
    const auto side = static_cast<int64_t>(std::lround(std::sqrt(checkpoint.raw(positions).size(0) - 1)));
    clip.image_size = side * clip.patch_size;
    clip.num_heads = clip.hidden_size / 64;
  }
  const std::regex layer(std::regex_replace(prefix, std::regex("\\."), "\\.") + "\\.encoder\\.layers\\.(\\d+)\\..*");
  int64_t layers = 0;
  for (const auto& name : checkpoint.names()) {
    std::smatch match;
    if (std::regex_match(name, match, layer)) layers = std::max<int64_t>(layers, std::stoll(match[1]) + 1);
  }
  if (layers > 0) clip.num_layers = layers;
  const std::string fc1 = prefix + ".encoder.layers.0.mlp.fc1.weight";
  if (checkpoint.contains(fc1)) clip.intermediate_size = checkpoint.raw(fc1).size(0);
  return clip;
}

void apply_clip_json(ClipVisionConfig& v, const nlohmann::json& json, const std::string& where) {
  v.image_size = io::optional<int64_t>(json, "image_size", v.image_size, where);
  v.patch_size = io::optional<int64_t>(json, "patch_size", v.patch_size, where);
  v.hidden_size = io::optional<int64_t>(json, "hidden_size", v.hidden_size, where);
  v.intermediate_size = io::optional<int64_t>(json, "intermediate_size", v.intermediate_size, where);
  v.num_layers = io::optional<int64_t>(json, "num_hidden_layers", v.num_layers, where);
  v.num_heads = io::optional<int64_t>(json, "num_attention_heads", v.num_heads, where);
  v.num_channels = io::optional<int64_t>(json, "num_channels", v.num_channels, where);
  v.layer_norm_eps = io::optional<double>(json, "layer_norm_eps", v.layer_norm_eps, where);
  v.hidden_act = io::optional<std::string>(json, "hidden_act", v.hidden_act, where);
}

ClipEncoderLayer::ClipEncoderLayer(io::Checkpoint& checkpoint, const std::string& prefix,
                                   const ClipVisionConfig& config)
    : heads_(config.num_heads), hidden_act_(config.hidden_act) {
  const int64_t hidden = config.hidden_size;
  norm1_ = register_module("layer_norm1", std::make_shared<LayerNorm>(checkpoint, prefix + ".layer_norm1", hidden, config.layer_norm_eps));
  norm2_ = register_module("layer_norm2", std::make_shared<LayerNorm>(checkpoint, prefix + ".layer_norm2", hidden, config.layer_norm_eps));
  q_proj_ = register_module("q_proj", std::make_shared<Linear>(checkpoint, prefix + ".self_attn.q_proj", hidden, hidden, true));
  k_proj_ = register_module("k_proj", std::make_shared<Linear>(checkpoint, prefix + ".self_attn.k_proj", hidden, hidden, true));
  v_proj_ = register_module("v_proj", std::make_shared<Linear>(checkpoint, prefix + ".self_attn.v_proj", hidden, hidden, true));
  out_proj_ = register_module("out_proj", std::make_shared<Linear>(checkpoint, prefix + ".self_attn.out_proj", hidden, hidden, true));
  fc1_ = register_module("fc1", std::make_shared<Linear>(checkpoint, prefix + ".mlp.fc1", hidden, config.intermediate_size, true));
  fc2_ = register_module("fc2", std::make_shared<Linear>(checkpoint, prefix + ".mlp.fc2", config.intermediate_size, hidden, true));
}

torch::Tensor ClipEncoderLayer::activation(const torch::Tensor& x) const {
  if (hidden_act_ == "quick_gelu") {
    // Encoding: one temporary instead of three.
    return needs_autograd(x) ? x * torch::sigmoid(1.702 * x) : (x * 1.702).sigmoid_().mul_(x);
  }
  if (hidden_act_ == "gelu") return torch::gelu(x);
  throw Error(VLM2VEC_ERR_UNSUPPORTED, "CLIP hidden_act '" + hidden_act_ + "' is not supported (quick_gelu or gelu)");
}

torch::Tensor ClipEncoderLayer::attention(const torch::Tensor& x) const {
  const int64_t batch = x.size(0), tokens = x.size(1), hidden = x.size(2), head_dim = hidden / heads_;
  const auto split = [&](const torch::Tensor& t) { return t.view({batch, tokens, heads_, head_dim}).transpose(1, 2); };
  // CLIP scales the queries before the product and keeps the softmax in the input dtype.
  const auto q = split(q_proj_->forward(x) * (1.0 / std::sqrt(static_cast<double>(head_dim))));
  const auto k = split(k_proj_->forward(x));
  const auto v = split(v_proj_->forward(x));
  const auto weights = torch::softmax(torch::matmul(q, k.transpose(2, 3)), -1);
  const auto context = torch::matmul(weights, v).transpose(1, 2).reshape({batch, tokens, hidden});
  return out_proj_->forward(context);
}

torch::Tensor ClipEncoderLayer::forward(const torch::Tensor& x) const {
  const auto h = x + attention(norm1_->forward(x));
  return h + fc2_->forward(activation(fc1_->forward(norm2_->forward(h))));
}

ClipVisionTower::ClipVisionTower(io::Checkpoint& checkpoint, const std::string& prefix, const ClipVisionConfig& config)
    : config_(config) {
  check_argument(config.image_size % config.patch_size == 0, "CLIP image_size must be a multiple of patch_size");
  const int64_t layers = config.layers_to_run();
  if (layers < 0 || layers > config.num_layers) {
    throw Error(VLM2VEC_ERR_BAD_MODEL, "CLIP feature layer " + std::to_string(config.feature_layer) + " is outside a " +
                                           std::to_string(config.num_layers) + "-layer tower");
  }
  const int64_t hidden = config.hidden_size, patches = config.patches_per_side() * config.patches_per_side();
  const std::string embeddings = prefix + ".embeddings";
  patch_weight_ = register_parameter(
      "patch_embedding", checkpoint.take(embeddings + ".patch_embedding.weight",
                                         {hidden, config.num_channels, config.patch_size, config.patch_size}), false);
  class_embedding_ = register_parameter("class_embedding", checkpoint.take(embeddings + ".class_embedding", {hidden}), false);
  position_embedding_ = register_parameter(
      "position_embedding", checkpoint.take(embeddings + ".position_embedding.weight", {patches + 1, hidden}), false);
  pre_layernorm_ = register_module("pre_layrnorm", std::make_shared<LayerNorm>(checkpoint, prefix + ".pre_layrnorm", hidden, config.layer_norm_eps));
  for (int64_t i = 0; i < layers; ++i) {
    layers_.push_back(register_module("layer" + std::to_string(i),
                                      std::make_shared<ClipEncoderLayer>(checkpoint, prefix + ".encoder.layers." + std::to_string(i), config)));
  }
  // Layers past the feature layer and post_layernorm exist in the checkpoint but are unused.
  for (int64_t i = layers; i < config.num_layers; ++i) {
    for (const auto& name : checkpoint.names()) {
      if (name.rfind(prefix + ".encoder.layers." + std::to_string(i) + ".", 0) == 0) checkpoint.ignore(name);
    }
  }
  checkpoint.ignore(prefix + ".post_layernorm.weight");
  checkpoint.ignore(prefix + ".post_layernorm.bias");
  checkpoint.ignore(embeddings + ".position_ids");
}

torch::Tensor ClipVisionTower::forward(const torch::Tensor& pixel_values) const {
  const int64_t n = pixel_values.size(0);
  TORCH_CHECK(pixel_values.dim() == 4 && pixel_values.size(1) == config_.num_channels &&
                  pixel_values.size(2) == config_.image_size && pixel_values.size(3) == config_.image_size,
              "CLIP expects pixel values [n, ", config_.num_channels, ", ", config_.image_size, ", ", config_.image_size,
              "], got ", pixel_values.sizes());
  const auto patches = torch::conv2d(pixel_values.to(patch_weight_.scalar_type()), patch_weight_, {},
                                     config_.patch_size).flatten(2).transpose(1, 2);
  const auto cls = class_embedding_.view({1, 1, -1}).expand({n, 1, config_.hidden_size});
  auto h = pre_layernorm_->forward(torch::cat({cls, patches}, 1) + position_embedding_.unsqueeze(0));
  for (const auto& layer : layers_) h = layer->forward(h);
  return h.narrow(1, 1, h.size(1) - 1);
}

}  // namespace vlm2vec::models
