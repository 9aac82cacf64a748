// Qwen2-VL's vision tower as VLM2Vec-V2 runs it (Qwen2VisionTransformerPretrainedModel; facts in
// shared/docs/MODELS-qwen2vl.md section 5): the Conv3d patch embedding as a linear over the
// processor's flattened (channel, frame, y, x) patch rows, 2-D rotary positions (theta 10000) in
// 2 x 2 merge-window order, pre-LN blocks with block-diagonal attention (each image, and each
// frame of a video, attends only to itself: cu_seqlens), LayerNorm eps 1e-6 as the code
// hard-codes it, quick_gelu MLPs, and the PatchMerger (LayerNorm, the 4 patches of a window
// concatenated, Linear, exact GELU, Linear to the language model's width).
#pragma once

#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include <array>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "io/checkpoint.h"
#include "models/layers/linear.h"

namespace vlm2vec::models::qwen2vl {

struct VisionConfig {
  int64_t depth = 32;
  int64_t embed_dim = 1280;
  int64_t num_heads = 16;
  int64_t mlp_ratio = 4;
  int64_t hidden_size = 1536;  // the merger's output: the language model's width
  int64_t in_channels = 3;
  int64_t patch_size = 14;
  int64_t temporal_patch_size = 2;
  int64_t spatial_merge_size = 2;
  std::string hidden_act = "quick_gelu";

  int64_t head_dim() const { return embed_dim / num_heads; }
  int64_t patch_values() const { return in_channels * temporal_patch_size * patch_size * patch_size; }
  int64_t merge_window() const { return spatial_merge_size * spatial_merge_size; }
};

// The vision_config object of config.json; both spellings of the channel count (in_channels as
// the vendored class writes it, in_chans as Hub files have it) are accepted.
VisionConfig vision_config_from_json(const nlohmann::json& json, const std::string& where);

class VisionBlock : public torch::nn::Module {
 public:
  VisionBlock(io::Checkpoint& checkpoint, const std::string& prefix, const VisionConfig& config);
  // x [patches, embed_dim]; cos, sin [patches, head_dim]; segments: (first patch, patch count) of
  // each frame of each image, in order, covering x: attention stays inside a segment.
  torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& cos, const torch::Tensor& sin,
                        const std::vector<std::pair<int64_t, int64_t>>& segments) const;

 private:
  int64_t heads_;
  std::string hidden_act_;
  std::shared_ptr<LayerNorm> norm1_, norm2_;
  std::shared_ptr<Linear> qkv_, proj_, fc1_, fc2_;
};

class VisionTower : public torch::nn::Module {
 public:
  // prefix: "visual".
  VisionTower(io::Checkpoint& checkpoint, const std::string& prefix, const VisionConfig& config);

  // pixel_values [patches, patch_values] (every image of the batch, in order); grid_thw
  // [images, 3] int64 (frames, patch rows, patch columns) -> image features
  // [patches / merge_window, hidden_size], one per 2 x 2 window, image by image.
  torch::Tensor forward(const torch::Tensor& pixel_values, const torch::Tensor& grid_thw) const;

  // The stages forward() chains, for tests that localise a difference.
  torch::Tensor embed_patches(const torch::Tensor& pixel_values) const;
  torch::Tensor run_blocks(const torch::Tensor& patches, const torch::Tensor& grid_thw) const;
  torch::Tensor merge(const torch::Tensor& blocks_out) const;

  const VisionConfig& config() const { return config_; }

 private:
  // cos and sin [patches, head_dim] of every patch's (row, column) rotary angles.
  std::pair<torch::Tensor, torch::Tensor> rotary(const std::vector<std::array<int64_t, 3>>& grids) const;

  VisionConfig config_;
  torch::Tensor patch_weight_;  // [embed_dim, patch_values]
  std::vector<std::shared_ptr<VisionBlock>> blocks_;
  std::shared_ptr<LayerNorm> merger_norm_;
  std::shared_ptr<Linear> merger_fc1_, merger_fc2_;
};

}  // namespace vlm2vec::models::qwen2vl
