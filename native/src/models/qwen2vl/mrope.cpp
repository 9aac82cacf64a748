#include "models/qwen2vl/mrope.h"

#include <numeric>

#include "common/error.h"

namespace vlm2vec::models::qwen2vl {

std::pair<torch::Tensor, torch::Tensor> mrope_tables(const torch::Tensor& position_ids, int64_t head_dim, double theta,
                                                     const std::vector<int64_t>& section, torch::ScalarType dtype) {
  if (position_ids.dim() != 3 || position_ids.size(0) != 3) {
    throw Error(VLM2VEC_ERR_INVALID_ARGUMENT, "Qwen2-VL position_ids must be [3, batch, seq], got " + c10::str(position_ids.sizes()));
  }
  if (section.size() != 3 || std::accumulate(section.begin(), section.end(), int64_t{0}) * 2 != head_dim) {
    throw Error(VLM2VEC_ERR_BAD_MODEL, "mrope_section must be three numbers summing to head_dim / 2 = " +
                                           std::to_string(head_dim / 2));
  }
  const auto device = position_ids.device();
  const auto inv_freq = 1.0 / torch::pow(theta, torch::arange(0, head_dim, 2, torch::TensorOptions().dtype(torch::kLong).device(device))
                                                     .to(torch::kFloat) / static_cast<double>(head_dim));
  const auto freqs = position_ids.to(torch::kFloat).unsqueeze(-1) * inv_freq;  // [3, batch, seq, head_dim / 2]
  const auto emb = torch::cat({freqs, freqs}, -1);                             // [3, batch, seq, head_dim]
  std::vector<torch::Tensor> cos_bands, sin_bands;
  int64_t start = 0;
  for (int64_t band = 0; band < 6; ++band) {
    const int64_t width = section[band % 3];
    const auto slice = emb[band % 3].narrow(-1, start, width);
    cos_bands.push_back(slice.cos());
    sin_bands.push_back(slice.sin());
    start += width;
  }
  return {torch::cat(cos_bands, -1).to(dtype), torch::cat(sin_bands, -1).to(dtype)};
}

}  // namespace vlm2vec::models::qwen2vl
