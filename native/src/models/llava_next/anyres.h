// LLaVA-NeXT's "anyres" geometry: which grid resolution an image gets, how many tiles and
// image tokens that makes, and how much of the tile feature map is padding.
#pragma once

#include <cstdint>
#include <vector>

namespace vlm2vec::models {

struct Resolution {
  int64_t height = 0;
  int64_t width = 0;
  bool operator==(const Resolution& other) const { return height == other.height && width == other.width; }
};

// The pinpoint (height, width) with the largest effective resolution for an image of
// height x width, min(int(W*s) * int(H*s), W*H) with s = min(w/W, h/H); ties go to the least
// wasted area, then to the earlier pinpoint.
Resolution select_best_resolution(int64_t height, int64_t width, const std::vector<Resolution>& pinpoints);

// The part of a (rows x cols) tile feature map that shows the image of the original
// height x width, as transformers' unpad_image computes it, including its
// int(round(x, 7)) arithmetic.
Resolution unpadded_feature_size(int64_t rows, int64_t cols, int64_t original_height, int64_t original_width);

// Python's round(x, 7): the nearest 7-decimal value, correctly rounded.
double round_to_7_decimals(double x);

struct AnyresLayout {
  Resolution best;        // the chosen pinpoint
  int64_t grid_rows = 0;  // tiles
  int64_t grid_cols = 0;
  Resolution unpadded;    // feature map rows x cols after unpadding
  int64_t num_patches() const { return grid_rows * grid_cols + 1; }  // tiles + the base view
  // base view (side^2) + unpadded rows, each closed by image_newline
  int64_t token_count(int64_t side) const { return side * side + unpadded.height * (unpadded.width + 1); }
};

// tile: the vision tower's image size; side: its patches per side.
AnyresLayout anyres_layout(int64_t height, int64_t width, const std::vector<Resolution>& pinpoints, int64_t tile,
                           int64_t side);

}  // namespace vlm2vec::models
