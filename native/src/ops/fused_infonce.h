// Fused InfoNCE (in-batch negatives plus optional hard negatives), MODELS.md section 1:
// logits s_ij = q_i . t_j / temperature over queries q [B, D] and targets t [B + H, D] where
// t_i is the positive of q_i; loss = mean_i (logsumexp_j s_ij - s_ii). Computed strip by strip
// so the [B, B + H] logits never exist whole; logits, LSE and gradients are fp32 whatever the
// input dtype. CUDA tensors use cuda-kernels/ when linked; everything else runs the CPU twin
// below (libtorch ops, the same strips), which is also the reference the GPU kernels are
// tested against.
#pragma once

#include <torch/torch.h>

namespace vlm2vec::ops {

struct InfoNceOutputs {
  torch::Tensor loss;    // 0-dim fp32
  torch::Tensor lse;     // [B] fp32
  torch::Tensor grad_q;  // [B, D] fp32, d (grad_loss * loss) / d q; undefined after forward only
  torch::Tensor grad_t;  // [B + H, D] fp32
};

// Loss and per-row LSE only.
InfoNceOutputs infonce_forward(const torch::Tensor& q, const torch::Tensor& t, double temperature);

// Gradients from a forward's lse, scaled by grad_loss.
InfoNceOutputs infonce_backward(const torch::Tensor& q, const torch::Tensor& t, double temperature,
                                const torch::Tensor& lse, double grad_loss);

// Loss, LSE and gradients in one pass over the logits (what GradCache wants).
InfoNceOutputs infonce_forward_backward(const torch::Tensor& q, const torch::Tensor& t, double temperature,
                                        double grad_loss = 1.0);

// The loss as an autograd op: the forward also forms the gradients (one pass), and the
// backward only scales them by the incoming gradient. Gradients come back in q's and t's dtype.
torch::Tensor infonce_loss(const torch::Tensor& q, const torch::Tensor& t, double temperature);

// Strip height of the CPU twin and the CUDA kernels (vlm2vec_infonce_plan_for).
int64_t infonce_strip_rows(int64_t queries, int64_t targets, int64_t dim);

}  // namespace vlm2vec::ops
