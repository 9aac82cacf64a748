// The CLIP vision tower (ViT) as both backbones use it: patch embedding, class token,
// position embedding, pre-LayerNorm (spelled pre_layrnorm in the weights), pre-LN encoder
// layers with quick_gelu MLPs. Only the layers up to the requested feature layer are built
// and run; post_layernorm is never used.
#pragma once

#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include <memory>
#include <string>
#include <vector>

#include "io/checkpoint.h"
#include "models/layers/linear.h"

namespace vlm2vec::models {

struct ClipVisionConfig {
  int64_t image_size = 336;
  int64_t patch_size = 14;
  int64_t hidden_size = 1024;
  int64_t intermediate_size = 4096;
  int64_t num_layers = 24;
  int64_t num_heads = 16;
  int64_t num_channels = 3;
  double layer_norm_eps = 1e-5;
  std::string hidden_act = "quick_gelu";
  // Index into the num_layers + 1 hidden states (embeddings first); -2: second to last.
  int64_t feature_layer = -2;

  int64_t patches_per_side() const { return image_size / patch_size; }
  int64_t layers_to_run() const { return feature_layer < 0 ? num_layers + 1 + feature_layer : feature_layer; }
};

// The CLIP sizes a checkpoint implies: width, channels and patch size from the patch
// embedding, image size from the position table, depth from the layer names, MLP width from
// fc1; heads as hidden / 64 (CLIP's head width). ViT-L/14-336 values where a tensor is absent.
ClipVisionConfig infer_clip_config(const io::Checkpoint& checkpoint, const std::string& prefix);

// Overrides config with the CLIPVisionConfig keys present in json (image_size, patch_size,
// hidden_size, intermediate_size, num_hidden_layers, num_attention_heads, num_channels,
// layer_norm_eps, hidden_act).
void apply_clip_json(ClipVisionConfig& config, const nlohmann::json& json, const std::string& where);

class ClipEncoderLayer : public torch::nn::Module {
 public:
  ClipEncoderLayer(io::Checkpoint& checkpoint, const std::string& prefix, const ClipVisionConfig& config);
  torch::Tensor forward(const torch::Tensor& x) const;

 private:
  torch::Tensor attention(const torch::Tensor& x) const;
  torch::Tensor activation(const torch::Tensor& x) const;

  int64_t heads_;
  std::string hidden_act_;
  std::shared_ptr<LayerNorm> norm1_, norm2_;
  std::shared_ptr<Linear> q_proj_, k_proj_, v_proj_, out_proj_, fc1_, fc2_;
};

class ClipVisionTower : public torch::nn::Module {
 public:
  // prefix: the path of vision_model, e.g. "vision_tower.vision_model".
  ClipVisionTower(io::Checkpoint& checkpoint, const std::string& prefix, const ClipVisionConfig& config);

  // pixel_values [n, channels, image_size, image_size] -> patch features of the feature
  // layer without the class token: [n, patches_per_side^2, hidden_size].
  torch::Tensor forward(const torch::Tensor& pixel_values) const;

  const ClipVisionConfig& config() const { return config_; }

 private:
  ClipVisionConfig config_;
  torch::Tensor patch_weight_, class_embedding_, position_embedding_;
  std::shared_ptr<LayerNorm> pre_layernorm_;
  std::vector<std::shared_ptr<ClipEncoderLayer>> layers_;
};

}  // namespace vlm2vec::models
