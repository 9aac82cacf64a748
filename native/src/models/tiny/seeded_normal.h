// Normal random numbers from a generator whose every step is specified here (splitmix64 and
// Box-Muller), so generated checkpoints are identical across machines, compilers and
// libtorch versions.
#pragma once

#include <torch/torch.h>

#include <cstdint>
#include <vector>

namespace vlm2vec::models {

class SeededNormal {
 public:
  explicit SeededNormal(uint64_t seed) : state_(seed) {}

  double next();  // N(0, 1)

  // A float32 tensor of N(mean, std^2) values.
  torch::Tensor tensor(const std::vector<int64_t>& shape, double mean, double std);

 private:
  uint64_t next_u64();
  uint64_t state_;
  bool has_spare_ = false;
  double spare_ = 0.0;
};

}  // namespace vlm2vec::models
