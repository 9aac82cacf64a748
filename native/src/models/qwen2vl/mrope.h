// Qwen2-VL's multimodal rotary positions (M-RoPE; shared/docs/MODELS-qwen2vl.md section 6): each
// token has a (temporal, height, width) position; the head's frequencies are split into
// mrope_section = [t, h, w] bands (in both rotary halves), band k taking component k's position.
// 1-D positions are the special case of three equal rows.
#pragma once

#include <torch/torch.h>

#include <utility>
#include <vector>

namespace vlm2vec::models::qwen2vl {

// position_ids [3, batch, seq] -> cos, sin [batch, seq, head_dim] in dtype, computed in fp32 as
// upstream: inv_freq = 1 / theta^(2i / head_dim), emb = cat(freqs, freqs), then the bands.
std::pair<torch::Tensor, torch::Tensor> mrope_tables(const torch::Tensor& position_ids, int64_t head_dim, double theta,
                                                     const std::vector<int64_t>& section, torch::ScalarType dtype);

}  // namespace vlm2vec::models::qwen2vl
