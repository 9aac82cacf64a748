#include "ops/lora_linear.h"

#include <string>

#include "common/error.h"
#include "ops/cuda_kernel_bridge.h"
#ifdef VLM2VEC_WITH_CUDA_KERNELS
#include "vlm2vec_kernels.h"
#endif

namespace vlm2vec::ops {
namespace {

void check_shapes(const torch::Tensor& x, const torch::Tensor& wa, const torch::Tensor& b) {
  check_argument(x.dim() == 2 && wa.dim() == 2 && b.dim() == 2, "LoRA linear: x, wa and b must be matrices");
  check_argument(x.size(1) == wa.size(1), "LoRA linear: x has " + std::to_string(x.size(1)) +
                                              " features but the weight expects " + std::to_string(wa.size(1)));
  check_argument(b.size(0) >= 1 && b.size(1) >= 1 && wa.size(0) == b.size(0) + b.size(1),
                 "LoRA linear: wa must stack W [out, in] over A [r, in] with B [out, r]; got wa rows " +
                     std::to_string(wa.size(0)) + " and B " + std::to_string(b.size(0)) + "x" +
                     std::to_string(b.size(1)));
  check_argument(x.scalar_type() == wa.scalar_type() && wa.scalar_type() == b.scalar_type(),
                 "LoRA linear: x, wa and b must share one dtype");
}

}  // namespace

torch::Tensor lora_forward(const torch::Tensor& x, const torch::Tensor& wa, const torch::Tensor& b, double scale) {
  check_shapes(x, wa, b);
  const int64_t out = b.size(0), rank = b.size(1);
#ifdef VLM2VEC_WITH_CUDA_KERNELS
  if (use_cuda_kernels(x) && kernel_dtype(x.scalar_type()) >= 0) {
    const auto xc = x.contiguous(), wac = wa.contiguous(), bc = b.contiguous();
    auto z = torch::empty({x.size(0), out + rank}, x.options());
    check_kernel_status(vlm2vec_cuda_lora_forward(kernel_dtype(x.scalar_type()), xc.data_ptr(), wac.data_ptr(),
                                                  bc.data_ptr(), x.size(0), x.size(1), out, rank,
                                                  static_cast<float>(scale), z.data_ptr(), current_cuda_stream()),
                        "LoRA forward kernel");
    return z;
  }
#endif
  auto z = x.matmul(wa.t());
  auto y = z.narrow(1, 0, out);
  y.addmm_(z.narrow(1, out, rank), b.t(), 1.0, scale);
  return z;
}

LoraGradients lora_backward(const torch::Tensor& x, const torch::Tensor& wa, const torch::Tensor& b,
                            const torch::Tensor& z, const torch::Tensor& grad_y, double scale, bool want_grad_x) {
  check_shapes(x, wa, b);
  const int64_t rows = x.size(0), out = b.size(0), rank = b.size(1);
  check_argument(z.dim() == 2 && z.size(0) == rows && z.size(1) == out + rank,
                 "LoRA backward: z must be the forward's [rows, out + r] output");
  check_argument(grad_y.dim() == 2 && grad_y.size(0) == rows && grad_y.size(1) == out,
                 "LoRA backward: grad_y must be [" + std::to_string(rows) + ", " + std::to_string(out) + "]");
  LoraGradients grads;
#ifdef VLM2VEC_WITH_CUDA_KERNELS
  if (use_cuda_kernels(x) && kernel_dtype(x.scalar_type()) >= 0) {
    const auto xc = x.contiguous(), wac = wa.contiguous(), bc = b.contiguous(), zc = z.contiguous();
    // The kernel takes a row stride for grad_y (y is usually a view into z); other layouts are copied.
    const auto gy = grad_y.stride(1) == 1 && grad_y.stride(0) >= out ? grad_y : grad_y.contiguous();
    if (want_grad_x) grads.grad_x = torch::empty({rows, x.size(1)}, x.options());
    grads.grad_a = torch::empty({rank, x.size(1)}, x.options());
    grads.grad_b = torch::empty({out, rank}, x.options());
    auto workspace = torch::empty({rows, rank}, x.options());
    check_kernel_status(
        vlm2vec_cuda_lora_backward(kernel_dtype(x.scalar_type()), xc.data_ptr(), wac.data_ptr(), bc.data_ptr(),
                                   zc.data_ptr(), gy.data_ptr(), gy.stride(0), rows, x.size(1), out, rank,
                                   static_cast<float>(scale), want_grad_x ? grads.grad_x.data_ptr() : nullptr,
                                   grads.grad_a.data_ptr(), grads.grad_b.data_ptr(), workspace.data_ptr(),
                                   current_cuda_stream()),
        "LoRA backward kernel");
    return grads;
  }
#endif
  const auto w = wa.narrow(0, 0, out), a = wa.narrow(0, out, rank);
  const auto u = z.narrow(1, out, rank);
  const auto v = grad_y.matmul(b);  // [rows, r]
  if (want_grad_x) grads.grad_x = grad_y.matmul(w).addmm_(v, a, 1.0, scale);
  grads.grad_a = v.t().matmul(x).mul_(scale);
  grads.grad_b = grad_y.t().matmul(u).mul_(scale);
  return grads;
}

}  // namespace vlm2vec::ops
