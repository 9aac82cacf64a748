#include "models/llava_next/anyres.h"

#include <cstdio>
#include <cstdlib>
#include <limits>
#include <string>

#include "common/error.h"

namespace vlm2vec::models {

Resolution select_best_resolution(int64_t height, int64_t width, const std::vector<Resolution>& pinpoints) {
  check_argument(height > 0 && width > 0, "image size (" + std::to_string(height) + ", " + std::to_string(width) +
                                              ") must be positive");
  check_argument(!pinpoints.empty(), "image_grid_pinpoints is empty");
  Resolution best;
  int64_t best_effective = 0;
  int64_t least_waste = std::numeric_limits<int64_t>::max();
  for (const auto& candidate : pinpoints) {
    const double scale = std::min(static_cast<double>(candidate.width) / width, static_cast<double>(candidate.height) / height);
    const auto scaled_width = static_cast<int64_t>(width * scale), scaled_height = static_cast<int64_t>(height * scale);
    const int64_t effective = std::min(scaled_width * scaled_height, width * height);
    const int64_t waste = candidate.width * candidate.height - effective;
    if (effective > best_effective || (effective == best_effective && waste < least_waste)) {
      best_effective = effective;
      least_waste = waste;
      best = candidate;
    }
  }
  return best;
}

double round_to_7_decimals(double x) {
  // printf rounds the exact binary value correctly, as CPython's round() does.
  char text[64];
  std::snprintf(text, sizeof(text), "%.7f", x);
  return std::strtod(text, nullptr);
}

Resolution unpadded_feature_size(int64_t rows, int64_t cols, int64_t original_height, int64_t original_width) {
  const double original_aspect = static_cast<double>(original_width) / original_height;
  const double current_aspect = static_cast<double>(cols) / rows;
  if (original_aspect > current_aspect) {
    const double scale = static_cast<double>(cols) / original_width;
    const auto new_rows = static_cast<int64_t>(round_to_7_decimals(original_height * scale));
    const int64_t padding = (rows - new_rows) / 2;
    return {rows - 2 * padding, cols};
  }
  const double scale = static_cast<double>(rows) / original_height;
  const auto new_cols = static_cast<int64_t>(round_to_7_decimals(original_width * scale));
  const int64_t padding = (cols - new_cols) / 2;
  return {rows, cols - 2 * padding};
}

AnyresLayout anyres_layout(int64_t height, int64_t width, const std::vector<Resolution>& pinpoints, int64_t tile,
                           int64_t side) {
  AnyresLayout layout;
  layout.best = select_best_resolution(height, width, pinpoints);
  layout.grid_rows = layout.best.height / tile;
  layout.grid_cols = layout.best.width / tile;
  layout.unpadded = unpadded_feature_size(layout.grid_rows * side, layout.grid_cols * side, height, width);
  return layout;
}

}  // namespace vlm2vec::models
