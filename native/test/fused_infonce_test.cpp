// The fused InfoNCE CPU twin (and so the strips, the online parts and the autograd op)
// against a float64 reference written with plain tensor ops and autograd.
#include <gtest/gtest.h>

#include <torch/torch.h>

#include <string>

#include "common/error.h"
#include "ops/fused_infonce.h"

namespace {

struct Reference {
  double loss;
  torch::Tensor grad_q, grad_t;  // float64
};

// The unfused formulation in float64: cross-entropy of q t^T / tau with target i for row i.
Reference reference(const torch::Tensor& q, const torch::Tensor& t, double temperature) {
  auto q64 = q.to(torch::kFloat64).detach().requires_grad_(true);
  auto t64 = t.to(torch::kFloat64).detach().requires_grad_(true);
  const auto logits = q64.matmul(t64.t()) / temperature;
  const auto labels = torch::arange(q.size(0), torch::kLong);
  const auto loss = torch::nn::functional::cross_entropy(logits, labels);
  loss.backward();
  return {loss.item<double>(), q64.grad(), t64.grad()};
}

double max_relative(const torch::Tensor& actual, const torch::Tensor& expected) {
  return ((actual.to(torch::kFloat64) - expected).abs().max() / expected.abs().max()).item<double>();
}

struct Case {
  int64_t queries, hard_negatives, dim;
  double temperature;
};

class FusedInfoNce : public ::testing::TestWithParam<Case> {};

TEST_P(FusedInfoNce, LossAndGradientsMatchFloat64Reference) {
  const Case c = GetParam();
  torch::manual_seed(11);
  const auto q = torch::nn::functional::normalize(torch::randn({c.queries, c.dim}),
                                                  torch::nn::functional::NormalizeFuncOptions().dim(1));
  const auto t = torch::nn::functional::normalize(torch::randn({c.queries + c.hard_negatives, c.dim}) + 0.0,
                                                  torch::nn::functional::NormalizeFuncOptions().dim(1));
  const Reference ref = reference(q, t, c.temperature);

  const auto both = vlm2vec::ops::infonce_forward_backward(q, t, c.temperature);
  // fp32 strips against float64: the loss to 1e-5 relative, gradients to 1e-4 of their scale.
  EXPECT_NEAR(both.loss.item<double>(), ref.loss, 1e-5 * std::abs(ref.loss));
  EXPECT_LT(max_relative(both.grad_q, ref.grad_q), 1e-4);
  EXPECT_LT(max_relative(both.grad_t, ref.grad_t), 1e-4);

  // Forward alone, then backward from its LSE, agree with the one-pass version.
  const auto forward = vlm2vec::ops::infonce_forward(q, t, c.temperature);
  EXPECT_FLOAT_EQ(forward.loss.item<float>(), both.loss.item<float>());
  const auto backward = vlm2vec::ops::infonce_backward(q, t, c.temperature, forward.lse, 2.0);
  EXPECT_LT(max_relative(backward.grad_q, 2.0 * ref.grad_q), 1e-4);
  EXPECT_LT(max_relative(backward.grad_t, 2.0 * ref.grad_t), 1e-4);

  // The autograd op, with an upstream gradient of 3.
  auto q_leaf = q.clone().requires_grad_(true), t_leaf = t.clone().requires_grad_(true);
  auto loss = vlm2vec::ops::infonce_loss(q_leaf, t_leaf, c.temperature);
  (3.0 * loss).backward();
  EXPECT_NEAR(loss.item<double>(), ref.loss, 1e-5 * std::abs(ref.loss));
  EXPECT_LT(max_relative(q_leaf.grad(), 3.0 * ref.grad_q), 1e-4);
  EXPECT_LT(max_relative(t_leaf.grad(), 3.0 * ref.grad_t), 1e-4);
}

// Several strips with a ragged last one (strip height is a multiple of 64), hard negatives,
// temperatures from the paper's 0.02 to 1.
INSTANTIATE_TEST_SUITE_P(Shapes, FusedInfoNce,
                         ::testing::Values(Case{150, 0, 16, 0.02}, Case{150, 20, 16, 0.05}, Case{7, 3, 33, 1.0},
                                           Case{1, 2, 8, 0.1}, Case{200, 200, 4, 0.02}),
                         [](const auto& info) { return "case" + std::to_string(info.index); });

TEST(FusedInfoNceStrips, StripsBoundMemoryByInputs) {
  // 150 queries x 170 targets x dim 16: 5120 numbers in, 30 rows' worth, so strips of 64 rows (the minimum).
  EXPECT_EQ(vlm2vec::ops::infonce_strip_rows(150, 170, 16), 64);
  // Small batches fit one strip.
  EXPECT_EQ(vlm2vec::ops::infonce_strip_rows(7, 10, 33), 7);
  // The paper-scale batch: 16384 x 16384 logits would be 1 GiB in fp32; strips of 6144 rows.
  EXPECT_EQ(vlm2vec::ops::infonce_strip_rows(16384, 16384, 3072), 6144);
}

TEST(FusedInfoNceStrips, Bf16InputsKeepFp32Results) {
  torch::manual_seed(5);
  const auto q = torch::randn({40, 24}).to(torch::kBFloat16), t = torch::randn({50, 24}).to(torch::kBFloat16);
  const auto out = vlm2vec::ops::infonce_forward_backward(q, t, 0.5);
  EXPECT_EQ(out.loss.scalar_type(), torch::kFloat32);
  EXPECT_EQ(out.grad_q.scalar_type(), torch::kFloat32);
  const Reference ref = reference(q, t, 0.5);  // from the same bf16-rounded inputs
  EXPECT_NEAR(out.loss.item<double>(), ref.loss, 1e-5 * std::abs(ref.loss));
}

TEST(FusedInfoNceErrors, NamesTheProblem) {
  const auto q = torch::randn({4, 8});
  try {
    vlm2vec::ops::infonce_forward(q, torch::randn({3, 8}), 0.02);
    FAIL() << "fewer targets than queries accepted";
  } catch (const vlm2vec::Error& e) {
    EXPECT_EQ(e.status(), VLM2VEC_ERR_INVALID_ARGUMENT);
    EXPECT_NE(std::string(e.what()).find("4 queries but only 3 targets"), std::string::npos) << e.what();
  }
  EXPECT_THROW(vlm2vec::ops::infonce_forward(q, torch::randn({4, 9}), 0.02), vlm2vec::Error);
  EXPECT_THROW(vlm2vec::ops::infonce_forward(q, torch::randn({4, 8}), 0.0), vlm2vec::Error);
  EXPECT_THROW(vlm2vec::ops::infonce_forward(q, torch::randn({4, 8}).to(torch::kFloat64), 0.1), vlm2vec::Error);
}

}  // namespace
