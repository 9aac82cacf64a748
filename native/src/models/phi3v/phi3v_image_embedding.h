// Phi-3.5-V's image embedding: CLIP features of every crop, 2x2 neighbour merge, the HD
// layout with separators (sub_GN after every row, glb_GN between the sub-crops and the
// global view) and the two-layer GELU projector into the language model's hidden size.
#pragma once

#include <torch/torch.h>

#include <memory>
#include <string>
#include <vector>

#include "io/checkpoint.h"
#include "models/layers/clip_vision.h"
#include "models/layers/linear.h"

namespace vlm2vec::models {

class Phi3VImageEmbedding : public torch::nn::Module {
 public:
  // prefix: "model.vision_embed_tokens".
  Phi3VImageEmbedding(io::Checkpoint& checkpoint, const std::string& prefix, const ClipVisionConfig& clip,
                      int64_t hidden_size);

  // pixel_values [images, crops, C, S, S] (global view first, then sub-crops row-major,
  // then zero padding), image_sizes [images, 2] padded HD (height, width), multiples of S.
  // Returns the projected features of all images, concatenated in order:
  // [sum of token_count(...), hidden_size].
  torch::Tensor forward(const torch::Tensor& pixel_values, const torch::Tensor& image_sizes) const;

  // Image tokens for an HD image of h_crop x w_crop crops: (h_c*w_c + 1)*g^2 + 1 + (h_c + 1)*g
  // with g the merged grid side (12 for CLIP ViT-L/14 at 336 px).
  static int64_t token_count(int64_t h_crop, int64_t w_crop, int64_t grid);

  // The rows fed to the projector for one image, from the CLIP features of its global view
  // and sub-crops ([1 + h_crop*w_crop, p*p, C]): the sub-crop map with sub_GN closing each
  // row, glb_GN, then the global map with sub_GN closing each row. [tokens, 4C].
  torch::Tensor hd_tokens(const torch::Tensor& crop_features, int64_t h_crop, int64_t w_crop) const;

  // [n, p*p, C] CLIP features of n = h_crop*w_crop crops -> [h_crop*g, w_crop*g, 4C] map,
  // concatenating each 2x2 block in the order (r0,c0), (r0,c1), (r1,c0), (r1,c1).
  static torch::Tensor merge_2x2(const torch::Tensor& features, int64_t h_crop, int64_t w_crop);

  const ClipVisionTower& clip() const { return *clip_; }

 private:
  // [rows, cols, D] -> [rows * (cols + 1), D] with sub_GN closing every row.
  torch::Tensor with_row_separators(const torch::Tensor& map) const;

  std::shared_ptr<ClipVisionTower> clip_;
  torch::Tensor glb_gn_, sub_gn_;
  std::shared_ptr<Linear> projection_in_, projection_out_;
  int64_t crop_size_, grid_;
};

}  // namespace vlm2vec::models
