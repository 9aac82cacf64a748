// Every CUDA kernel, reached through its libtorch dispatch (native/src/ops), against its CPU
// twin and a float64 reference. Needs a CUDA libtorch and a GPU: gpu-check.sh runs it on a
// device machine. Tolerances are stated per test; "relative" means max |error| / max |ref|.
#include <gtest/gtest.h>

#include <torch/torch.h>

#include <optional>
#include <string>
#include <tuple>

#include "common/error.h"
#include "ops/fused_infonce.h"
#include "ops/last_token_pool.h"
#include "ops/lora_linear.h"
#ifdef VLM2VEC_WITH_CUDA_KERNELS
#include "vlm2vec_kernels.h"
#endif

namespace {

namespace F = torch::nn::functional;
using vlm2vec::ops::InfoNceOutputs;

// Built everywhere (so CI compiles it), run where libtorch sees a GPU.
#define SKIP_WITHOUT_GPU() \
  if (!torch::cuda::is_available()) GTEST_SKIP() << "no CUDA device visible to libtorch"

// The GEMM under the kernels, for one test: cuBLAS (loaded from the process, which CUDA
// libtorch has already done) or the kernels' own tiled GEMM. Both must pass every bound.
enum class Gemm { kCublas, kTiled };

class GemmBackendScope {
 public:
  explicit GemmBackendScope(Gemm gemm) {
#ifdef VLM2VEC_WITH_CUDA_KERNELS
    status_ = vlm2vec_kernels_set_gemm_backend(gemm == Gemm::kCublas ? VLM2VEC_GEMM_CUBLAS : VLM2VEC_GEMM_TILED);
    if (status_ != VLM2VEC_OK) error_ = vlm2vec_kernels_last_error();
#else
    (void)gemm;
#endif
  }
  ~GemmBackendScope() {
#ifdef VLM2VEC_WITH_CUDA_KERNELS
    vlm2vec_kernels_set_gemm_backend(VLM2VEC_GEMM_AUTO);
#endif
  }
  bool ok() const { return status_ == 0; }
  const std::string& error() const { return error_; }

 private:
  int32_t status_ = 0;
  std::string error_;
};

std::string gemm_name(Gemm gemm) { return gemm == Gemm::kCublas ? "cublas" : "tiled"; }

// A parameterised kernel test over (case, GEMM backend): skips without a GPU, runs the test
// body on the chosen backend and restores the default afterwards.
template <class Case>
class OnEachGemm : public ::testing::TestWithParam<std::tuple<Case, Gemm>> {
 protected:
  void SetUp() override {
    SKIP_WITHOUT_GPU();
    backend_.emplace(std::get<1>(this->GetParam()));
    ASSERT_TRUE(backend_->ok()) << backend_->error();
  }
  const Case& test_case() const { return std::get<0>(this->GetParam()); }

 private:
  std::optional<GemmBackendScope> backend_;
};

double relative(const torch::Tensor& actual, const torch::Tensor& expected) {
  const auto e = expected.to(torch::kCPU, torch::kFloat64);
  return ((actual.to(torch::kCPU, torch::kFloat64) - e).abs().max() / e.abs().max()).item<double>();
}

struct Reference {
  double loss;
  torch::Tensor grad_q, grad_t;
};

Reference infonce_reference(const torch::Tensor& q, const torch::Tensor& t, double temperature) {
  auto q64 = q.to(torch::kCPU, torch::kFloat64).detach().requires_grad_(true);
  auto t64 = t.to(torch::kCPU, torch::kFloat64).detach().requires_grad_(true);
  const auto loss = F::cross_entropy(q64.matmul(t64.t()) / temperature, torch::arange(q.size(0)));
  loss.backward();
  return {loss.item<double>(), q64.grad(), t64.grad()};
}

struct InfoNceCase {
  int64_t queries, hard_negatives, dim;
  double temperature;
  torch::ScalarType dtype;
  double loss_bound, grad_bound;
};

using InfoNceKernel = OnEachGemm<InfoNceCase>;

TEST_P(InfoNceKernel, MatchesTwinAndFloat64) {
  const InfoNceCase& c = test_case();
  torch::manual_seed(7);
  const auto opts = torch::TensorOptions().device(torch::kCUDA);
  const auto q = F::normalize(torch::randn({c.queries, c.dim}, opts), F::NormalizeFuncOptions().dim(1)).to(c.dtype);
  const auto t = F::normalize(torch::randn({c.queries + c.hard_negatives, c.dim}, opts),
                              F::NormalizeFuncOptions().dim(1)).to(c.dtype);
  const Reference ref = infonce_reference(q, t, c.temperature);

  const InfoNceOutputs gpu = vlm2vec::ops::infonce_forward_backward(q, t, c.temperature);
  ASSERT_TRUE(gpu.grad_q.is_cuda());
  EXPECT_LE(std::abs(gpu.loss.item<double>() - ref.loss), c.loss_bound * std::abs(ref.loss));
  EXPECT_LE(relative(gpu.grad_q, ref.grad_q), c.grad_bound);
  EXPECT_LE(relative(gpu.grad_t, ref.grad_t), c.grad_bound);

  // The CPU twin on the same inputs agrees with the kernel.
  const InfoNceOutputs cpu = vlm2vec::ops::infonce_forward_backward(q.cpu(), t.cpu(), c.temperature);
  EXPECT_LE(std::abs(gpu.loss.item<double>() - cpu.loss.item<double>()), c.loss_bound * std::abs(ref.loss));
  EXPECT_LE(relative(gpu.grad_t, cpu.grad_t), c.grad_bound);
  EXPECT_LE(relative(gpu.lse, cpu.lse), c.loss_bound);

  // Forward alone, and the backward that recomputes the strips from its LSE.
  const InfoNceOutputs forward = vlm2vec::ops::infonce_forward(q, t, c.temperature);
  EXPECT_EQ(forward.loss.item<float>(), gpu.loss.item<float>());
  const InfoNceOutputs backward = vlm2vec::ops::infonce_backward(q, t, c.temperature, forward.lse, 0.5);
  EXPECT_LE(relative(backward.grad_q, 0.5 * ref.grad_q), c.grad_bound);
  EXPECT_LE(relative(backward.grad_t, 0.5 * ref.grad_t), c.grad_bound);

  // Deterministic: no atomics, fixed strip order.
  const InfoNceOutputs again = vlm2vec::ops::infonce_forward_backward(q, t, c.temperature);
  EXPECT_TRUE(torch::equal(again.grad_t, gpu.grad_t));
  EXPECT_TRUE(torch::equal(again.grad_q, gpu.grad_q));

  // The autograd op.
  auto q_leaf = q.detach().clone().requires_grad_(true), t_leaf = t.detach().clone().requires_grad_(true);
  vlm2vec::ops::infonce_loss(q_leaf, t_leaf, c.temperature).backward();
  EXPECT_LE(relative(q_leaf.grad(), ref.grad_q), std::max(c.grad_bound, 1e-2 * (c.dtype != torch::kFloat32)));
}

// fp32: loss within 1e-5 relative of float64 (the bound), gradients 1e-4.
// bf16/fp16 (reference from the same rounded inputs): loss 1e-5 (fp32 accumulation and LSE),
// gradients 1e-2 (probabilities are rounded to 16 bits before the gradient GEMMs).
// 17000 targets: wider than the rows the softmax kernel holds in registers (16384).
INSTANTIATE_TEST_SUITE_P(
    Shapes, InfoNceKernel,
    ::testing::Combine(::testing::Values(InfoNceCase{600, 40, 256, 0.02, torch::kFloat32, 1e-5, 1e-4},
                                         InfoNceCase{77, 0, 3072, 0.05, torch::kFloat32, 1e-5, 1e-4},
                                         InfoNceCase{1000, 1000, 96, 1.0, torch::kFloat32, 1e-5, 1e-4},
                                         InfoNceCase{600, 40, 256, 0.02, torch::kBFloat16, 1e-5, 1e-2},
                                         InfoNceCase{513, 7, 3072, 0.05, torch::kBFloat16, 1e-5, 1e-2},
                                         InfoNceCase{300, 20, 136, 0.05, torch::kFloat16, 1e-5, 1e-2},
                                         InfoNceCase{200, 16800, 64, 0.05, torch::kBFloat16, 1e-5, 1e-2}),
                       ::testing::Values(Gemm::kCublas, Gemm::kTiled)),
    [](const auto& info) {
      return "case" + std::to_string(info.index / 2) + "_" + gemm_name(std::get<1>(info.param));
    });

TEST(InfoNceKernelErrors, NameTheProblem) {
  SKIP_WITHOUT_GPU();
  const auto q = torch::randn({4, 8}, torch::kCUDA);
  try {
    vlm2vec::ops::infonce_forward(q, torch::randn({3, 8}, torch::kCUDA), 0.02);
    FAIL();
  } catch (const vlm2vec::Error& e) {
    EXPECT_NE(std::string(e.what()).find("4 queries but only 3 targets"), std::string::npos) << e.what();
  }
}

TEST(PoolNormalizeBackwardKernel, MatchesTwin) {
  SKIP_WITHOUT_GPU();
  torch::manual_seed(3);
  const int64_t batch = 6, seq_len = 9, hidden = 3072 + 17;
  auto states = torch::randn({batch, seq_len, hidden}) * 3;
  states[2][0].zero_();  // a zero row: the clamped branch
  const auto lengths = torch::tensor({9, 1, 1, 7, 2, 5}, torch::kLong);
  const auto grad_reps = torch::randn({batch, hidden});
  auto expected = torch::full({batch, seq_len, hidden}, 0.25, torch::kFloat64);
  vlm2vec::ops::last_token_pool_normalize_backward(states.to(torch::kFloat64), lengths, grad_reps.to(torch::kFloat64),
                                                   expected);
  auto actual = torch::full({batch, seq_len, hidden}, 0.25, torch::kCUDA);
  vlm2vec::ops::last_token_pool_normalize_backward(states.cuda(), lengths.cuda(), grad_reps.cuda(), actual);
  // fp32 reductions over 3089 elements against the double twin: 1e-5 relative, per non-clamped row.
  const auto regular = torch::tensor({0, 1, 3, 4, 5}, torch::kLong);
  EXPECT_LE(relative(actual.cpu().index_select(0, regular), expected.index_select(0, regular)), 1e-5);
  EXPECT_LE(relative(actual.cpu()[2], expected[2]), 1e-6);
  EXPECT_EQ((actual.cpu() != 0.25).sum().item<int64_t>(), (expected != 0.25).sum().item<int64_t>());
}

struct LoraCase {
  int64_t rows, in, out, rank;
  torch::ScalarType dtype;
  double bound;
};

using LoraKernel = OnEachGemm<LoraCase>;

TEST_P(LoraKernel, MatchesFloat64) {
  const LoraCase& c = test_case();
  torch::manual_seed(9);
  const double scale = 2.0;
  const auto x = torch::randn({c.rows, c.in}).to(c.dtype);
  const auto wa = (torch::randn({c.out + c.rank, c.in}) / std::sqrt(double(c.in))).to(c.dtype);
  const auto b = (torch::randn({c.out, c.rank}) / std::sqrt(double(c.rank))).to(c.dtype);
  const auto grad_y = torch::randn({c.rows, c.out}).to(c.dtype);
  // float64 reference from the same rounded inputs, through the CPU twin in double.
  const auto x64 = x.to(torch::kFloat64), wa64 = wa.to(torch::kFloat64), b64 = b.to(torch::kFloat64);
  const auto z_ref = vlm2vec::ops::lora_forward(x64, wa64, b64, scale);
  const auto g_ref = vlm2vec::ops::lora_backward(x64, wa64, b64, z_ref, grad_y.to(torch::kFloat64), scale, true);

  const auto z = vlm2vec::ops::lora_forward(x.cuda(), wa.cuda(), b.cuda(), scale);
  EXPECT_LE(relative(z, z_ref), c.bound);
  // grad_y as a strided view, as when y is a slice of z.
  auto padded = torch::zeros({c.rows, c.out + 5}, grad_y.options().device(torch::kCUDA));
  padded.narrow(1, 0, c.out).copy_(grad_y);
  const auto g = vlm2vec::ops::lora_backward(x.cuda(), wa.cuda(), b.cuda(), z, padded.narrow(1, 0, c.out), scale, true);
  EXPECT_LE(relative(g.grad_x, g_ref.grad_x), c.bound);
  EXPECT_LE(relative(g.grad_a, g_ref.grad_a), c.bound);
  EXPECT_LE(relative(g.grad_b, g_ref.grad_b), c.bound);
}

// fp32: 1e-5 relative (true fp32 products). bf16: 1e-2 (outputs are rounded to bf16).
// Odd sizes exercise the tile edges; rank 3 the unaligned (scalar) loads.
INSTANTIATE_TEST_SUITE_P(Shapes, LoraKernel,
                         ::testing::Combine(::testing::Values(LoraCase{300, 200, 130, 8, torch::kFloat32, 1e-5},
                                                              LoraCase{129, 64, 257, 3, torch::kFloat32, 1e-5},
                                                              LoraCase{512, 256, 384, 16, torch::kBFloat16, 1e-2},
                                                              LoraCase{100, 72, 40, 3, torch::kFloat16, 1e-2}),
                                            ::testing::Values(Gemm::kCublas, Gemm::kTiled)),
                         [](const auto& info) {
                           return "case" + std::to_string(info.index / 2) + "_" + gemm_name(std::get<1>(info.param));
                         });

}  // namespace
