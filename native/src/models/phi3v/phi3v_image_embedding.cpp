#include "models/phi3v/phi3v_image_embedding.h"

#include <string>

#include "common/error.h"

namespace vlm2vec::models {

Phi3VImageEmbedding::Phi3VImageEmbedding(io::Checkpoint& checkpoint, const std::string& prefix,
                                         const ClipVisionConfig& clip, int64_t hidden_size)
    : crop_size_(clip.image_size), grid_(clip.patches_per_side() / 2) {
  if (clip.patches_per_side() % 2 != 0) {
    throw Error(VLM2VEC_ERR_BAD_MODEL, "the 2x2 merge needs an even patch grid, got " +
                                           std::to_string(clip.patches_per_side()) + " patches per side");
  }
  const int64_t merged = 4 * clip.hidden_size;
  clip_ = register_module("img_processor", std::make_shared<ClipVisionTower>(checkpoint, prefix + ".img_processor.vision_model", clip));
  glb_gn_ = register_parameter("glb_GN", checkpoint.take(prefix + ".glb_GN", {1, 1, merged}), false);
  sub_gn_ = register_parameter("sub_GN", checkpoint.take(prefix + ".sub_GN", {1, 1, 1, merged}), false);
  projection_in_ = register_module("img_projection_0", std::make_shared<Linear>(checkpoint, prefix + ".img_projection.0", merged, hidden_size, true));
  projection_out_ = register_module("img_projection_2", std::make_shared<Linear>(checkpoint, prefix + ".img_projection.2", hidden_size, hidden_size, true));
}

int64_t Phi3VImageEmbedding::token_count(int64_t h_crop, int64_t w_crop, int64_t grid) {
  return (h_crop * w_crop + 1) * grid * grid + 1 + (h_crop + 1) * grid;
}

torch::Tensor Phi3VImageEmbedding::hd_tokens(const torch::Tensor& crop_features, int64_t h_crop, int64_t w_crop) const {
  return torch::cat({with_row_separators(merge_2x2(crop_features.narrow(0, 1, h_crop * w_crop), h_crop, w_crop)),
                     glb_gn_.view({1, -1}), with_row_separators(merge_2x2(crop_features.narrow(0, 0, 1), 1, 1))});
}

torch::Tensor Phi3VImageEmbedding::merge_2x2(const torch::Tensor& features, int64_t h_crop, int64_t w_crop) {
  const int64_t n = features.size(0), side = static_cast<int64_t>(std::lround(std::sqrt(features.size(1))));
  const int64_t channels = features.size(2), half = side / 2;
  TORCH_CHECK(side * side == features.size(1) && side % 2 == 0, "crop features must form an even square grid");
  TORCH_CHECK(n == h_crop * w_crop, "merge_2x2 needs h_crop * w_crop = ", h_crop * w_crop, " crops, got ", n);
  return features.reshape({n, half, 2, half, 2, channels})
      .permute({0, 1, 3, 2, 4, 5})  // n, row block, col block, 2 (row in block), 2 (col in block), C
      .reshape({h_crop, w_crop, half, half, 4 * channels})
      .permute({0, 2, 1, 3, 4})     // crop row, row in crop, crop col, col in crop
      .reshape({h_crop * half, w_crop * half, 4 * channels});
}

torch::Tensor Phi3VImageEmbedding::with_row_separators(const torch::Tensor& map) const {
  const int64_t rows = map.size(0), channels = map.size(2);
  const auto separators = sub_gn_.view({1, 1, channels}).expand({rows, 1, channels});
  return torch::cat({map, separators}, 1).reshape({-1, channels});
}

torch::Tensor Phi3VImageEmbedding::forward(const torch::Tensor& pixel_values, const torch::Tensor& image_sizes) const {
  const int64_t images = pixel_values.size(0), crops = pixel_values.size(1);
  TORCH_CHECK(pixel_values.size(3) == crop_size_ && pixel_values.size(4) == crop_size_, "Phi-3.5-V crops must be ",
              crop_size_, "x", crop_size_, " pixels, got ", pixel_values.size(3), "x", pixel_values.size(4));
  std::vector<torch::Tensor> pieces;
  for (int64_t i = 0; i < images; ++i) {
    const int64_t height = image_sizes[i][0].item<int64_t>(), width = image_sizes[i][1].item<int64_t>();
    const int64_t h_crop = height / crop_size_, w_crop = width / crop_size_;
    if (height <= 0 || width <= 0 || height % crop_size_ != 0 || width % crop_size_ != 0 || h_crop * w_crop + 1 > crops) {
      throw Error(VLM2VEC_ERR_INVALID_ARGUMENT,
                  "image " + std::to_string(i) + ": image_sizes (" + std::to_string(height) + ", " + std::to_string(width) +
                      ") must be positive multiples of " + std::to_string(crop_size_) + " with at most " +
                      std::to_string(crops - 1) + " crops in pixel_values");
    }
    // Only the global view and the real sub-crops: the zero padding crops' features would
    // be discarded anyway.
    pieces.push_back(hd_tokens(clip_->forward(pixel_values[i].narrow(0, 0, 1 + h_crop * w_crop)), h_crop, w_crop));
  }
  return projection_out_->forward(torch::gelu(projection_in_->forward(torch::cat(pieces, 0))));
}

}  // namespace vlm2vec::models
