// The default random generators' states (CPU, and CUDA when libtorch has it), captured and
// restored so that GradCache's replay draws the same dropout masks as its first pass.
#pragma once

#include <torch/torch.h>

namespace vlm2vec::training {

struct RngState {
  torch::Tensor cpu;
  torch::Tensor cuda;  // undefined without CUDA

  static RngState capture();
  void restore() const;
};

}  // namespace vlm2vec::training
