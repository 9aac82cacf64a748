#include "models/qwen2vl/rope_index.h"

#include <algorithm>
#include <array>
#include <string>
#include <vector>

#include "common/error.h"

namespace vlm2vec::models::qwen2vl {

torch::Tensor rope_index(const torch::Tensor& input_ids, const torch::Tensor& attention_mask, const torch::Tensor& grid_thw,
                         int64_t image_token_id, int64_t vision_start_token_id, int64_t spatial_merge_size) {
  const auto ids = input_ids.to(torch::kCPU, torch::kLong).contiguous();
  const auto mask = attention_mask.to(torch::kCPU, torch::kLong).contiguous();
  const int64_t batch = ids.size(0), seq = ids.size(1);
  auto positions = torch::ones({3, batch, seq}, torch::kLong);
  auto out = positions.accessor<int64_t, 3>();
  const auto id = ids.accessor<int64_t, 2>();
  const auto real = mask.accessor<int64_t, 2>();
  std::vector<int64_t> grids;
  if (grid_thw.defined() && grid_thw.numel() > 0) {
    const auto g = grid_thw.to(torch::kCPU, torch::kLong).contiguous();
    grids.assign(g.data_ptr<int64_t>(), g.data_ptr<int64_t>() + g.numel());
  }
  size_t image = 0;  // one counter across the batch
  for (int64_t row = 0; row < batch; ++row) {
    std::vector<int64_t> tokens, columns;
    for (int64_t j = 0; j < seq; ++j) {
      if (real[row][j] == 1) {
        tokens.push_back(id[row][j]);
        columns.push_back(j);
      }
    }
    // Images counted: <|vision_start|> followed by <|image_pad|> (only when the batch has images).
    int64_t images = 0;
    if (!grids.empty()) {
      for (size_t k = 0; k + 1 < tokens.size(); ++k) {
        if (tokens[k] == vision_start_token_id && tokens[k + 1] == image_token_id) ++images;
      }
    }
    std::vector<std::array<int64_t, 3>> row_positions;
    row_positions.reserve(tokens.size());
    int64_t next = 0;  // 1 + the largest position so far
    size_t scan = 0;
    const auto text = [&](size_t from, size_t to) {
      for (size_t k = from; k < to; ++k) {
        const int64_t p = next + static_cast<int64_t>(k - from);
        row_positions.push_back({p, p, p});
      }
      if (to > from) next += static_cast<int64_t>(to - from);
    };
    for (int64_t counted = 0; counted < images; ++counted) {
      const auto found = std::find(tokens.begin() + static_cast<std::ptrdiff_t>(scan), tokens.end(), image_token_id);
      if (found == tokens.end() || 3 * (image + 1) > grids.size()) {
        throw Error(VLM2VEC_ERR_INVALID_ARGUMENT, "row " + std::to_string(row) + " introduces more images than image_grid_thw lists");
      }
      const size_t placeholder = static_cast<size_t>(found - tokens.begin());
      const int64_t t = grids[3 * image], h = grids[3 * image + 1] / spatial_merge_size, w = grids[3 * image + 2] / spatial_merge_size;
      ++image;
      text(scan, placeholder);
      const int64_t start = next;
      int64_t largest = start - 1;
      for (int64_t f = 0; f < t; ++f) {
        for (int64_t y = 0; y < h; ++y) {
          for (int64_t x = 0; x < w; ++x) {
            row_positions.push_back({start + f, start + y, start + x});
            largest = std::max({largest, start + f, start + y, start + x});
          }
        }
      }
      next = largest + 1;
      scan = placeholder + static_cast<size_t>(t * h * w);
      if (scan > tokens.size()) {
        throw Error(VLM2VEC_ERR_INVALID_ARGUMENT, "row " + std::to_string(row) + " has fewer <|image_pad|> tokens than its image's grid needs");
      }
    }
    text(scan, tokens.size());
    for (size_t k = 0; k < tokens.size(); ++k) {
      for (int c = 0; c < 3; ++c) out[c][row][columns[k]] = row_positions[k][c];
    }
  }
  return positions;
}

}  // namespace vlm2vec::models::qwen2vl
