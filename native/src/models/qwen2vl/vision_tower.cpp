#include "models/qwen2vl/vision_tower.h"

#include <algorithm>
#include <cmath>

#include "common/error.h"
#include "io/json_file.h"
#include "models/config_checks.h"
#include "models/layers/attention.h"
#include "models/layers/rotary_embedding.h"

namespace vlm2vec::models::qwen2vl {

namespace {

// The vision code hard-codes it; vision_config has no key for it.
constexpr double kLayerNormEps = 1e-6;
constexpr double kRotaryTheta = 10000.0;

// grid_thw as checked (frames, rows, columns) triples: each positive, rows and columns multiples
// of the merge size, the patch total equal to the pixel rows.
std::vector<std::array<int64_t, 3>> checked_grids(const torch::Tensor& grid_thw, int64_t patches, int64_t merge) {
  if (grid_thw.dim() != 2 || grid_thw.size(1) != 3) {
    throw Error(VLM2VEC_ERR_INVALID_ARGUMENT, "image_grid_thw must be [images, 3], got " + c10::str(grid_thw.sizes()));
  }
  const auto grid = grid_thw.to(torch::kCPU, torch::kLong).contiguous();
  const int64_t* values = grid.data_ptr<int64_t>();
  std::vector<std::array<int64_t, 3>> grids;
  int64_t total = 0;
  for (int64_t i = 0; i < grid.size(0); ++i) {
    const std::array<int64_t, 3> thw = {values[3 * i], values[3 * i + 1], values[3 * i + 2]};
    if (thw[0] < 1 || thw[1] < 1 || thw[2] < 1 || thw[1] % merge != 0 || thw[2] % merge != 0) {
      throw Error(VLM2VEC_ERR_INVALID_ARGUMENT, "image " + std::to_string(i) + " has grid_thw [" + std::to_string(thw[0]) +
                                                    ", " + std::to_string(thw[1]) + ", " + std::to_string(thw[2]) +
                                                    "]: all positive, rows and columns multiples of " + std::to_string(merge));
    }
    total += thw[0] * thw[1] * thw[2];
    grids.push_back(thw);
  }
  if (total != patches) {
    throw Error(VLM2VEC_ERR_INVALID_ARGUMENT, "image_grid_thw describes " + std::to_string(total) + " patches but pixel_values has " +
                                                  std::to_string(patches) + " rows");
  }
  return grids;
}

}  // namespace

VisionConfig vision_config_from_json(const nlohmann::json& json, const std::string& where) {
  VisionConfig v;
  v.depth = io::optional<int64_t>(json, "depth", v.depth, where);
  v.embed_dim = io::optional<int64_t>(json, "embed_dim", v.embed_dim, where);
  v.num_heads = io::optional<int64_t>(json, "num_heads", v.num_heads, where);
  v.mlp_ratio = io::optional<int64_t>(json, "mlp_ratio", v.mlp_ratio, where);
  v.hidden_size = io::optional<int64_t>(json, "hidden_size", v.hidden_size, where);
  v.in_channels = io::optional<int64_t>(json, "in_chans", io::optional<int64_t>(json, "in_channels", v.in_channels, where), where);
  v.patch_size = io::optional<int64_t>(json, "patch_size", v.patch_size, where);
  v.temporal_patch_size = io::optional<int64_t>(json, "temporal_patch_size", v.temporal_patch_size, where);
  v.spatial_merge_size = io::optional<int64_t>(json, "spatial_merge_size", v.spatial_merge_size, where);
  v.hidden_act = io::optional<std::string>(json, "hidden_act", v.hidden_act, where);
  check_vision_sizes(where, v.depth, v.embed_dim, v.num_heads, v.embed_dim * std::max<int64_t>(v.mlp_ratio, 0));
  check_range(where, "hidden_size", v.hidden_size, 1, 1 << 16);
  check_range(where, "patch_size", v.patch_size, 1, 1024);
  check_range(where, "temporal_patch_size", v.temporal_patch_size, 1, 64);
  check_range(where, "spatial_merge_size", v.spatial_merge_size, 1, 64);
  check_range(where, "in_channels", v.in_channels, 1, 64);
  if (v.embed_dim % v.num_heads != 0 || v.head_dim() % 4 != 0 || v.mlp_ratio < 1) {
    throw Error(VLM2VEC_ERR_BAD_MODEL, where + ": vision_config needs embed_dim a multiple of num_heads, a head width"
                                               " divisible by 4 (two rotary halves) and mlp_ratio >= 1");
  }
  if (v.hidden_act != "quick_gelu" && v.hidden_act != "gelu") {
    throw Error(VLM2VEC_ERR_UNSUPPORTED, where + ": vision hidden_act '" + v.hidden_act + "' is not supported (quick_gelu or gelu)");
  }
  return v;
}

VisionBlock::VisionBlock(io::Checkpoint& checkpoint, const std::string& prefix, const VisionConfig& config)
    : heads_(config.num_heads), hidden_act_(config.hidden_act) {
  const int64_t dim = config.embed_dim, mlp = config.embed_dim * config.mlp_ratio;
  norm1_ = register_module("norm1", std::make_shared<LayerNorm>(checkpoint, prefix + ".norm1", dim, kLayerNormEps));
  norm2_ = register_module("norm2", std::make_shared<LayerNorm>(checkpoint, prefix + ".norm2", dim, kLayerNormEps));
  qkv_ = register_module("qkv", std::make_shared<Linear>(checkpoint, prefix + ".attn.qkv", dim, 3 * dim, true));
  proj_ = register_module("proj", std::make_shared<Linear>(checkpoint, prefix + ".attn.proj", dim, dim, true));
  fc1_ = register_module("fc1", std::make_shared<Linear>(checkpoint, prefix + ".mlp.fc1", dim, mlp, true));
  fc2_ = register_module("fc2", std::make_shared<Linear>(checkpoint, prefix + ".mlp.fc2", mlp, dim, true));
}

torch::Tensor VisionBlock::forward(const torch::Tensor& x, const torch::Tensor& cos, const torch::Tensor& sin,
                                   const std::vector<std::pair<int64_t, int64_t>>& segments) const {
  const int64_t patches = x.size(0), dim = x.size(1), head_dim = dim / heads_;
  const auto normed = norm1_->forward(x);
  // qkv rows are [q | k | v], each heads x head_dim.
  const auto qkv = qkv_->forward(normed).view({patches, 3, heads_, head_dim}).permute({1, 0, 2, 3});
  // Rotary in fp32, as upstream's apply_rotary_pos_emb_vision: the decoders' apply_rotary, whose
  // cos/sin [patches, head_dim] broadcast over the heads axis of [patches, heads, head_dim].
  const auto rope = [&](const torch::Tensor& t) { return apply_rotary(t.to(torch::kFloat), cos, sin).to(t.scalar_type()); };
  const auto q = rope(qkv[0]).transpose(0, 1), k = rope(qkv[1]).transpose(0, 1), v = qkv[2].transpose(0, 1);
  // Block-diagonal attention, one segment at a time: upstream's eager mask puts the dtype's lowest
  // value outside the blocks, whose weights then underflow to exactly 0, so this is the same sum
  // without the [patches, patches] scores of the whole batch (40960^2 per head for 8 images at
  // VLM2Vec's 1280-token maximum).
  const double scale = 1.0 / std::sqrt(static_cast<double>(head_dim));
  std::vector<torch::Tensor> parts;
  parts.reserve(segments.size());
  for (const auto& [start, length] : segments) {
    // In query-row blocks (full_attention): one 672 x 672 image would otherwise hold 16 heads x
    // 2304^2 x 4 B = 340 MB of scores at once.
    parts.push_back(full_attention(q.narrow(1, start, length), k.narrow(1, start, length), v.narrow(1, start, length), scale));
  }
  const auto context = (parts.size() == 1 ? parts[0] : torch::cat(parts, 1)).transpose(0, 1).reshape({patches, dim});
  const auto h = x + proj_->forward(context);
  auto inner = fc1_->forward(norm2_->forward(h));
  inner = hidden_act_ == "quick_gelu" ? inner * torch::sigmoid(1.702 * inner) : torch::gelu(inner);
  return h + fc2_->forward(inner);
}

VisionTower::VisionTower(io::Checkpoint& checkpoint, const std::string& prefix, const VisionConfig& config) : config_(config) {
  const int64_t dim = config.embed_dim, merged = dim * config.merge_window();
  // The Conv3d's kernel equals its stride: one linear map of each flattened patch row.
  patch_weight_ = register_parameter(
      "patch_embed", checkpoint.take(prefix + ".patch_embed.proj.weight", {dim, config.in_channels, config.temporal_patch_size,
                                                                            config.patch_size, config.patch_size})
                         .reshape({dim, config.patch_values()}),
      false);
  for (int64_t i = 0; i < config.depth; ++i) {
    blocks_.push_back(register_module("block" + std::to_string(i),
                                      std::make_shared<VisionBlock>(checkpoint, prefix + ".blocks." + std::to_string(i), config)));
  }
  merger_norm_ = register_module("ln_q", std::make_shared<LayerNorm>(checkpoint, prefix + ".merger.ln_q", dim, kLayerNormEps));
  merger_fc1_ = register_module("mlp0", std::make_shared<Linear>(checkpoint, prefix + ".merger.mlp.0", merged, merged, true));
  merger_fc2_ = register_module("mlp2", std::make_shared<Linear>(checkpoint, prefix + ".merger.mlp.2", merged, config.hidden_size, true));
}

torch::Tensor VisionTower::embed_patches(const torch::Tensor& pixel_values) const {
  if (pixel_values.dim() != 2 || pixel_values.size(1) != config_.patch_values()) {
    throw Error(VLM2VEC_ERR_INVALID_ARGUMENT, "Qwen2-VL pixel_values must be [patches, " + std::to_string(config_.patch_values()) +
                                                  "], got " + c10::str(pixel_values.sizes()));
  }
  return torch::matmul(pixel_values.to(patch_weight_.scalar_type()), patch_weight_.t());
}

std::pair<torch::Tensor, torch::Tensor> VisionTower::rotary(const std::vector<std::array<int64_t, 3>>& grids) const {
  const int64_t half = config_.head_dim() / 2, merge = config_.spatial_merge_size;
  // VisionRotaryEmbedding(head_dim / 2) in fp32 as upstream computes it: inv_freq =
  // 1 / theta^(2j / (head_dim / 2)), angles = position x inv_freq.
  const auto inv_freq = 1.0 / torch::pow(kRotaryTheta, torch::arange(0, half, 2, torch::kFloat) / static_cast<double>(half));
  std::vector<torch::Tensor> positions;
  for (const auto& [t, h, w] : grids) {
    // Row and column of every patch, listed in 2 x 2 merge-window order like the pixel rows.
    const auto order = [&, h = h, w = w](const torch::Tensor& grid) {
      return grid.reshape({h / merge, merge, w / merge, merge}).permute({0, 2, 1, 3}).flatten();
    };
    const auto rows = order(torch::arange(h, torch::kLong).unsqueeze(1).expand({h, w}));
    const auto columns = order(torch::arange(w, torch::kLong).unsqueeze(0).expand({h, w}));
    positions.push_back(torch::stack({rows, columns}, -1).repeat({t, 1}));
  }
  const auto ids = torch::cat(positions, 0).to(torch::kFloat);                // [patches, 2]
  const auto angles = (ids.unsqueeze(-1) * inv_freq).flatten(1);              // [patches, head_dim / 2]: row's, then column's
  const auto emb = torch::cat({angles, angles}, -1).to(patch_weight_.device());  // [patches, head_dim]
  return {emb.cos(), emb.sin()};
}

torch::Tensor VisionTower::run_blocks(const torch::Tensor& patches, const torch::Tensor& grid_thw) const {
  const auto grids = checked_grids(grid_thw, patches.size(0), config_.spatial_merge_size);
  const auto [cos, sin] = rotary(grids);
  // Each frame of each image attends to itself only (upstream's cu_seqlens).
  std::vector<std::pair<int64_t, int64_t>> segments;
  int64_t start = 0;
  for (const auto& [t, h, w] : grids) {
    for (int64_t frame = 0; frame < t; ++frame) {
      segments.emplace_back(start, h * w);
      start += h * w;
    }
  }
  auto x = patches;
  for (const auto& block : blocks_) x = block->forward(x, cos, sin, segments);
  return x;
}

torch::Tensor VisionTower::merge(const torch::Tensor& blocks_out) const {
  const int64_t merged = config_.embed_dim * config_.merge_window();
  // The rows of one 2 x 2 window are consecutive, so a view concatenates them in window order.
  const auto windows = merger_norm_->forward(blocks_out).reshape({-1, merged});
  return merger_fc2_->forward(torch::gelu(merger_fc1_->forward(windows)));
}

torch::Tensor VisionTower::forward(const torch::Tensor& pixel_values, const torch::Tensor& grid_thw) const {
  return merge(run_blocks(embed_patches(pixel_values), grid_thw));
}

}  // namespace vlm2vec::models::qwen2vl
