// Encoding runs without autograd (EmbeddingModel::encode holds a NoGradGuard); there the layers use
// in-place and out= kernels that save full-size temporaries. Wherever autograd records (training,
// GradCache's second pass), they keep the out-of-place forms its backward needs.
#pragma once

#include <torch/torch.h>

namespace vlm2vec::models {

inline bool needs_autograd(const torch::Tensor& x) { return torch::GradMode::is_enabled() && x.requires_grad(); }

}  // namespace vlm2vec::models
