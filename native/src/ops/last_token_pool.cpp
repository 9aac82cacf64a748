#include "ops/last_token_pool.h"

#include <ATen/Parallel.h>

#include <algorithm>
#include <cmath>

#include "ops/cuda_kernel_bridge.h"
#ifdef VLM2VEC_WITH_CUDA_KERNELS
#include "vlm2vec_kernels.h"
#endif

namespace vlm2vec::ops {
namespace {

// The CPU twin for contiguous fp32 input: one pass over the pooled rows only, summing
// squares in double so the norm does not depend on the hidden size's rounding error.
torch::Tensor pool_normalize_cpu_f32(const torch::Tensor& hidden, const torch::Tensor& lengths) {
  const int64_t batch = hidden.size(0), seq_len = hidden.size(1), hidden_size = hidden.size(2);
  auto out = torch::empty({batch, hidden_size}, hidden.options());
  const float* in = hidden.data_ptr<float>();
  const int64_t* length = lengths.data_ptr<int64_t>();
  float* result = out.data_ptr<float>();
  at::parallel_for(0, batch, 1, [&](int64_t begin, int64_t end) {
    for (int64_t b = begin; b < end; ++b) {
      const float* row = in + (b * seq_len + length[b] - 1) * hidden_size;
      double squares = 0.0;
      for (int64_t i = 0; i < hidden_size; ++i) squares += static_cast<double>(row[i]) * row[i];
      const float scale = static_cast<float>(1.0 / std::max(std::sqrt(squares), 1e-12));
      float* destination = result + b * hidden_size;
      for (int64_t i = 0; i < hidden_size; ++i) destination[i] = row[i] * scale;
    }
  });
  return out;
}

void check_pool_arguments(const torch::Tensor& hidden, const torch::Tensor& lengths) {
  TORCH_CHECK(hidden.dim() == 3, "hidden states must be [batch, seq_len, hidden], got ", hidden.sizes());
  TORCH_CHECK(lengths.dim() == 1 && lengths.size(0) == hidden.size(0),
              "lengths must be [batch] = [", hidden.size(0), "], got ", lengths.sizes());
  TORCH_CHECK(lengths.scalar_type() == torch::kLong, "lengths must be int64");
  if (hidden.size(0) > 0) {
    const auto shortest = lengths.min().item<int64_t>();
    const auto longest = lengths.max().item<int64_t>();
    TORCH_CHECK(shortest >= 1 && longest <= hidden.size(1), "every length must be in [1, ", hidden.size(1),
                "], got lengths in [", shortest, ", ", longest, "]");
  }
}

}  // namespace

torch::Tensor last_token_pool(const torch::Tensor& hidden, const torch::Tensor& lengths) {
  check_pool_arguments(hidden, lengths);
  const int64_t batch = hidden.size(0), hidden_size = hidden.size(2);
  const auto last = (lengths.to(hidden.device()) - 1).view({batch, 1, 1}).expand({batch, 1, hidden_size});
  return hidden.gather(1, last).squeeze(1);
}

torch::Tensor last_token_pool_normalize(const torch::Tensor& hidden, const torch::Tensor& lengths) {
  check_pool_arguments(hidden, lengths);
  if (hidden.device().is_cpu() && hidden.scalar_type() == torch::kFloat32 && hidden.is_contiguous() &&
      lengths.device().is_cpu() && lengths.is_contiguous()) {
    return pool_normalize_cpu_f32(hidden, lengths);
  }
  namespace F = torch::nn::functional;
  return F::normalize(last_token_pool(hidden, lengths), F::NormalizeFuncOptions().p(2.0).dim(-1).eps(1e-12));
}

void last_token_pool_normalize_backward(const torch::Tensor& hidden, const torch::Tensor& lengths,
                                        const torch::Tensor& grad_reps, torch::Tensor& grad_hidden) {
  check_pool_arguments(hidden, lengths);
  const int64_t batch = hidden.size(0), hidden_size = hidden.size(2);
  TORCH_CHECK(grad_reps.dim() == 2 && grad_reps.size(0) == batch && grad_reps.size(1) == hidden_size,
              "grad_reps must be [", batch, ", ", hidden_size, "], got ", grad_reps.sizes());
  TORCH_CHECK(grad_hidden.sizes() == hidden.sizes() && grad_hidden.scalar_type() == hidden.scalar_type() &&
                  grad_hidden.device() == hidden.device(),
              "grad_hidden must match hidden states ", hidden.sizes(), ", got ", grad_hidden.sizes());
#ifdef VLM2VEC_WITH_CUDA_KERNELS
  if (use_cuda_kernels(hidden) && hidden.scalar_type() == torch::kFloat32 && hidden.is_contiguous() &&
      grad_hidden.is_contiguous()) {
    const auto device_lengths = lengths.to(hidden.device()).contiguous();
    const auto grad = grad_reps.to(torch::kFloat32).contiguous();
    check_kernel_status(vlm2vec_cuda_last_token_pool_normalize_backward_f32(
                            hidden.data_ptr<float>(), batch, hidden.size(1), hidden_size,
                            device_lengths.data_ptr<int64_t>(), grad.data_ptr<float>(), grad_hidden.data_ptr<float>(),
                            current_cuda_stream()),
                        "pooling replay backward kernel");
    return;
  }
#endif
  // The CPU twin: the same closed form, in double for the norms so it serves as a reference.
  const auto positions = (lengths.to(hidden.device()) - 1);
  const auto rows = torch::arange(batch, positions.options());
  const auto h = hidden.index({rows, positions}).to(torch::kFloat64);  // [batch, hidden]
  const auto g = grad_reps.to(hidden.device()).to(torch::kFloat64);
  const auto norm = h.norm(2, 1, true);
  const auto h_dot_g = (h * g).sum(1, true);
  const auto regular = g / norm - h * h_dot_g / norm.pow(3);
  const auto clamped = g * 1e12;
  const auto grad_h = torch::where(norm > 1e-12, regular, clamped).to(grad_hidden.scalar_type());
  grad_hidden.index_put_({rows, positions}, grad_h, /*accumulate=*/true);
}

}  // namespace vlm2vec::ops
