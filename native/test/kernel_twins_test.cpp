// CPU twins of the pooling replay backward and the fused LoRA linear against autograd of the
// plain formulas (float64 where the twin computes in double).
#include <gtest/gtest.h>

#include <torch/torch.h>

#include "common/error.h"
#include "ops/last_token_pool.h"
#include "ops/lora_linear.h"

namespace {

namespace F = torch::nn::functional;

TEST(PoolNormalizeBackward, EqualsAutogradOfPoolThenNormalize) {
  torch::manual_seed(2);
  const int64_t batch = 5, seq_len = 6, hidden = 40;
  auto states = torch::randn({batch, seq_len, hidden}, torch::kFloat64);
  states[3][1].zero_();  // a zero row takes the clamped branch
  const auto lengths = torch::tensor({6, 1, 3, 2, 4}, torch::kLong);
  const auto grad_reps = torch::randn({batch, hidden}, torch::kFloat64);

  auto leaf = states.clone().requires_grad_(true);
  const auto index = (lengths - 1).view({batch, 1, 1}).expand({batch, 1, hidden});
  const auto reps = F::normalize(leaf.gather(1, index).squeeze(1), F::NormalizeFuncOptions().dim(1).eps(1e-12));
  reps.backward(grad_reps);

  auto grad_hidden = torch::full({batch, seq_len, hidden}, 0.5, torch::kFloat64);  // accumulates onto this
  vlm2vec::ops::last_token_pool_normalize_backward(states, lengths, grad_reps, grad_hidden);
  EXPECT_TRUE(torch::allclose(grad_hidden - 0.5, leaf.grad(), 1e-12, 1e-9));
  // Only the pooled positions were touched.
  EXPECT_EQ((grad_hidden != 0.5).sum().item<int64_t>(), (leaf.grad() != 0).sum().item<int64_t>());
}

TEST(PoolNormalizeBackward, RejectsMismatchedGradient) {
  auto grad_hidden = torch::zeros({2, 3, 4});
  EXPECT_THROW(vlm2vec::ops::last_token_pool_normalize_backward(torch::randn({2, 3, 4}), torch::tensor({1, 2}),
                                                                 torch::randn({2, 5}), grad_hidden),
               c10::Error);
}

TEST(FusedLora, ForwardAndGradientsEqualTheFormula) {
  torch::manual_seed(4);
  const int64_t rows = 9, in = 12, out = 10, rank = 3;
  const double scale = 16.0 / rank;
  const auto x = torch::randn({rows, in}, torch::kFloat64);
  const auto w = torch::randn({out, in}, torch::kFloat64);
  auto a = torch::randn({rank, in}, torch::kFloat64).requires_grad_(true);
  auto b = torch::randn({out, rank}, torch::kFloat64).requires_grad_(true);
  auto x_leaf = x.clone().requires_grad_(true);
  const auto y_ref = F::linear(x_leaf, w) + scale * F::linear(F::linear(x_leaf, a), b);
  const auto grad_y = torch::randn({rows, out}, torch::kFloat64);
  y_ref.backward(grad_y);

  const auto wa = torch::cat({w, a.detach()}, 0);
  const auto z = vlm2vec::ops::lora_forward(x, wa, b.detach(), scale);
  EXPECT_TRUE(torch::allclose(z.narrow(1, 0, out), y_ref.detach(), 1e-12, 1e-10));
  EXPECT_TRUE(torch::allclose(z.narrow(1, out, rank), x.matmul(a.detach().t()), 1e-12, 1e-10));

  const auto grads = vlm2vec::ops::lora_backward(x, wa, b.detach(), z, grad_y, scale, true);
  EXPECT_TRUE(torch::allclose(grads.grad_x, x_leaf.grad(), 1e-12, 1e-10));
  EXPECT_TRUE(torch::allclose(grads.grad_a, a.grad(), 1e-12, 1e-10));
  EXPECT_TRUE(torch::allclose(grads.grad_b, b.grad(), 1e-12, 1e-10));
  EXPECT_FALSE(vlm2vec::ops::lora_backward(x, wa, b.detach(), z, grad_y, scale, false).grad_x.defined());
}

TEST(FusedLora, RejectsAStackThatDoesNotMatchB) {
  EXPECT_THROW(vlm2vec::ops::lora_forward(torch::randn({2, 4}), torch::randn({7, 4}), torch::randn({5, 3}), 1.0),
               vlm2vec::Error);
}

}  // namespace
