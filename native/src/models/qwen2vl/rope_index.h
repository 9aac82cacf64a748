// Qwen2-VL's M-RoPE positions as upstream's get_rope_index computes them (shared/docs/
// MODELS-qwen2vl.md section 6): per row, over its real tokens, every image introduced by
// <|vision_start|><|image_pad|> takes (start + frame, start + merged row, start + merged column)
// over its merged grid, text runs continue from the largest position so far plus one, padding
// holds 1. Without <|vision_start|> (VLM2Vec's prompts) this gives 1-D positions. The grids are
// consumed with one counter across the batch, as upstream does. GME uses plain arange instead.
#pragma once

#include <torch/torch.h>

namespace vlm2vec::models::qwen2vl {

// input_ids, attention_mask [batch, seq]; grid_thw [images, 3] of the batch's images in order
// (undefined or empty: no images) -> position_ids [3, batch, seq] int64.
torch::Tensor rope_index(const torch::Tensor& input_ids, const torch::Tensor& attention_mask, const torch::Tensor& grid_thw,
                         int64_t image_token_id, int64_t vision_start_token_id, int64_t spatial_merge_size);

}  // namespace vlm2vec::models::qwen2vl
