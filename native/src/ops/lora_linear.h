// The fused LoRA linear (cuda-kernels/ vlm2vec_cuda_lora_*) and its CPU twin. The base
// weight W [out, in] and the adapter's A [r, in] live stacked in one tensor wa [out + r, in]
// so one GEMM reads x once: z = x wa^T = [x W^T | x A^T]; then y = z[:, :out] gains
// scale * u B^T in place (u = z[:, out:]). Dropout on the adapter path is not part of this op:
// with dropout active the adapter module uses the unfused path (see MODELS.md, LoRA).
#pragma once

#include <torch/torch.h>

namespace vlm2vec::ops {

struct LoraGradients {
  torch::Tensor grad_x;  // [rows, in]; undefined when not asked for
  torch::Tensor grad_a;  // [r, in]
  torch::Tensor grad_b;  // [out, r]
};

// x [rows, in], wa [out + r, in], b [out, r]; returns z [rows, out + r] (y = z[:, :out]).
torch::Tensor lora_forward(const torch::Tensor& x, const torch::Tensor& wa, const torch::Tensor& b, double scale);

// grad_y [rows, out] (any row stride); z from lora_forward.
LoraGradients lora_backward(const torch::Tensor& x, const torch::Tensor& wa, const torch::Tensor& b,
                            const torch::Tensor& z, const torch::Tensor& grad_y, double scale, bool want_grad_x);

}  // namespace vlm2vec::ops
