#include "models/tiny/seeded_normal.h"

#include <cmath>

namespace vlm2vec::models {

uint64_t SeededNormal::next_u64() {
  uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

double SeededNormal::next() {
  if (has_spare_) {
    has_spare_ = false;
    return spare_;
  }
  // Two uniforms in (0, 1] from the top 53 bits.
  const double u1 = (static_cast<double>(next_u64() >> 11) + 1.0) * 0x1.0p-53;
  const double u2 = static_cast<double>(next_u64() >> 11) * 0x1.0p-53;
  const double radius = std::sqrt(-2.0 * std::log(u1));
  const double angle = 2.0 * M_PI * u2;
  spare_ = radius * std::sin(angle);
  has_spare_ = true;
  return radius * std::cos(angle);
}

torch::Tensor SeededNormal::tensor(const std::vector<int64_t>& shape, double mean, double std) {
  auto result = torch::empty(shape, torch::kFloat32);
  float* data = result.data_ptr<float>();
  for (int64_t i = 0; i < result.numel(); ++i) data[i] = static_cast<float>(mean + std * next());
  return result;
}

}  // namespace vlm2vec::models
