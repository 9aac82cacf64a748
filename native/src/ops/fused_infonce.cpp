#include "ops/fused_infonce.h"

#include <cmath>
#include <string>

#include "common/error.h"
#include "ops/cuda_kernel_bridge.h"
#include "vlm2vec_kernels.h"

namespace vlm2vec::ops {
namespace {

void check_inputs(const torch::Tensor& q, const torch::Tensor& t, double temperature) {
  check_argument(q.defined() && t.defined(), "InfoNCE: queries and targets must be given");
  check_argument(q.dim() == 2 && t.dim() == 2,
                 "InfoNCE: queries and targets must be [batch, dim] matrices, got " + std::to_string(q.dim()) +
                     "-D and " + std::to_string(t.dim()) + "-D");
  check_argument(q.size(1) == t.size(1), "InfoNCE: queries have dim " + std::to_string(q.size(1)) +
                                             " but targets have dim " + std::to_string(t.size(1)));
  check_argument(q.size(0) >= 1, "InfoNCE: the batch is empty");
  check_argument(t.size(0) >= q.size(0), "InfoNCE: " + std::to_string(q.size(0)) + " queries but only " +
                                             std::to_string(t.size(0)) +
                                             " targets; every query needs its positive (targets = queries + hard negatives)");
  check_argument(q.scalar_type() == t.scalar_type(), "InfoNCE: queries and targets must share one dtype");
  check_argument(q.device() == t.device(), "InfoNCE: queries and targets must be on one device");
  check_argument(q.is_floating_point(), "InfoNCE: queries and targets must be floating point");
  check_argument(temperature > 0.0 && std::isfinite(temperature),
                 "InfoNCE: temperature must be positive, got " + std::to_string(temperature));
}

enum class Pass { kForward, kBackward, kBoth };

// The CPU twin: the same strips as the kernels, in libtorch ops (fp32; fp64 input stays fp64,
// which the tests use as their reference).
InfoNceOutputs run_twin(Pass pass, const torch::Tensor& q_in, const torch::Tensor& t_in, double temperature,
                        const torch::Tensor& lse_in, double grad_loss) {
  const auto compute = q_in.scalar_type() == torch::kFloat64 ? torch::kFloat64 : torch::kFloat32;
  const auto q = q_in.to(compute).contiguous(), t = t_in.to(compute).contiguous();
  const int64_t queries = q.size(0), targets = t.size(0), dim = q.size(1);
  const int64_t strip = infonce_strip_rows(queries, targets, dim);
  const bool forward = pass != Pass::kBackward, backward = pass != Pass::kForward;
  const double coef = grad_loss / (static_cast<double>(queries) * temperature);

  InfoNceOutputs out;
  out.lse = forward ? torch::empty({queries}, q.options()) : lse_in.to(q.options());
  auto row_loss = torch::empty({queries}, q.options());
  if (backward) {
    out.grad_q = torch::empty({queries, dim}, q.options());
    out.grad_t = torch::zeros({targets, dim}, q.options());
  }
  const auto t_transposed = t.t();
  for (int64_t first = 0; first < queries; first += strip) {
    const int64_t rows = std::min(strip, queries - first);
    const auto q_strip = q.narrow(0, first, rows);
    auto logits = q_strip.matmul(t_transposed).div_(temperature);  // [rows, targets]
    auto lse = out.lse.narrow(0, first, rows);
    if (forward) {
      lse.copy_(logits.logsumexp(1));
      row_loss.narrow(0, first, rows).copy_(lse - logits.narrow(1, first, rows).diagonal());
    }
    if (backward) {
      auto probabilities = logits.sub_(lse.unsqueeze(1)).exp_();  // in place: the logits are done
      probabilities.narrow(1, first, rows).diagonal().sub_(1.0);
      auto grad_q_strip = out.grad_q.narrow(0, first, rows);
      torch::mm_out(grad_q_strip, probabilities, t).mul_(coef);
      out.grad_t.addmm_(probabilities.t(), q_strip, 1.0, coef);
    }
  }
  if (forward) out.loss = row_loss.to(torch::kFloat64).mean().to(compute);
  if (compute != torch::kFloat64) {
    out.lse = out.lse.to(torch::kFloat32);
    if (forward) out.loss = out.loss.to(torch::kFloat32);
  }
  return out;
}

#ifdef VLM2VEC_WITH_CUDA_KERNELS
InfoNceOutputs run_kernels(Pass pass, const torch::Tensor& q_in, const torch::Tensor& t_in, double temperature,
                           const torch::Tensor& lse_in, double grad_loss) {
  const auto q = q_in.contiguous(), t = t_in.contiguous();
  const int64_t queries = q.size(0), targets = t.size(0), dim = q.size(1);
  const int32_t dtype = kernel_dtype(q.scalar_type());
  vlm2vec_infonce_plan plan{};
  check_kernel_status(vlm2vec_infonce_plan_for(queries, targets, dim, dtype, &plan), "InfoNCE plan");
  const auto f32 = q.options().dtype(torch::kFloat32);
  auto workspace = torch::empty({plan.workspace_bytes}, q.options().dtype(torch::kUInt8));
  InfoNceOutputs out;
  if (pass != Pass::kBackward) {
    out.lse = torch::empty({queries}, f32);
    out.loss = torch::empty({}, f32);
  }
  if (pass != Pass::kForward) {
    out.grad_q = torch::empty({queries, dim}, f32);
    out.grad_t = torch::empty({targets, dim}, f32);
  }
  void* stream = current_cuda_stream();
  const float tau = static_cast<float>(temperature), scale = static_cast<float>(grad_loss);
  int32_t status = VLM2VEC_OK;
  switch (pass) {
    case Pass::kForward:
      status = vlm2vec_cuda_infonce_forward(dtype, q.data_ptr(), t.data_ptr(), queries, targets, dim, tau,
                                            out.lse.data_ptr<float>(), out.loss.data_ptr<float>(), workspace.data_ptr(),
                                            plan.workspace_bytes, stream);
      break;
    case Pass::kBackward: {
      out.lse = lse_in.to(f32).contiguous();
      status = vlm2vec_cuda_infonce_backward(dtype, q.data_ptr(), t.data_ptr(), queries, targets, dim, tau,
                                             out.lse.data_ptr<float>(), scale, out.grad_q.data_ptr<float>(),
                                             out.grad_t.data_ptr<float>(), workspace.data_ptr(), plan.workspace_bytes,
                                             stream);
      break;
    }
    case Pass::kBoth:
      status = vlm2vec_cuda_infonce_forward_backward(dtype, q.data_ptr(), t.data_ptr(), queries, targets, dim, tau, scale,
                                                     out.lse.data_ptr<float>(), out.loss.data_ptr<float>(),
                                                     out.grad_q.data_ptr<float>(), out.grad_t.data_ptr<float>(),
                                                     workspace.data_ptr(), plan.workspace_bytes, stream);
      break;
  }
  check_kernel_status(status, "InfoNCE CUDA kernel");
  return out;
}
#endif

InfoNceOutputs dispatch(Pass pass, const torch::Tensor& q, const torch::Tensor& t, double temperature,
                        const torch::Tensor& lse, double grad_loss) {
  check_inputs(q, t, temperature);
  if (pass == Pass::kBackward) {
    check_argument(lse.defined() && lse.dim() == 1 && lse.size(0) == q.size(0),
                   "InfoNCE backward: lse must be [" + std::to_string(q.size(0)) + "]");
  }
#ifdef VLM2VEC_WITH_CUDA_KERNELS
  if (use_cuda_kernels(q) && kernel_dtype(q.scalar_type()) >= 0) return run_kernels(pass, q, t, temperature, lse, grad_loss);
#endif
  return run_twin(pass, q, t, temperature, lse, grad_loss);
}

class InfoNceFunction : public torch::autograd::Function<InfoNceFunction> {
 public:
  static torch::Tensor forward(torch::autograd::AutogradContext* ctx, const torch::Tensor& q, const torch::Tensor& t,
                               double temperature) {
    const bool wants_grad = q.requires_grad() || t.requires_grad();
    InfoNceOutputs out = wants_grad ? infonce_forward_backward(q, t, temperature, 1.0)
                                    : infonce_forward(q, t, temperature);
    if (wants_grad) ctx->save_for_backward({out.grad_q.to(q.scalar_type()), out.grad_t.to(t.scalar_type())});
    return out.loss;
  }

  static torch::autograd::variable_list backward(torch::autograd::AutogradContext* ctx,
                                                 torch::autograd::variable_list grad_outputs) {
    const auto saved = ctx->get_saved_variables();
    const auto& scale = grad_outputs[0];
    return {saved[0] * scale.to(saved[0].scalar_type()), saved[1] * scale.to(saved[1].scalar_type()), torch::Tensor()};
  }
};

}  // namespace

int64_t infonce_strip_rows(int64_t queries, int64_t targets, int64_t dim) {
  vlm2vec_infonce_plan plan{};
  const int32_t status = vlm2vec_infonce_plan_for(queries, targets, dim, VLM2VEC_DTYPE_FLOAT32, &plan);
  check_argument(status == VLM2VEC_OK, "InfoNCE: no strip plan for queries=" + std::to_string(queries) +
                                           " targets=" + std::to_string(targets) + " dim=" + std::to_string(dim));
  return plan.strip_rows;
}

InfoNceOutputs infonce_forward(const torch::Tensor& q, const torch::Tensor& t, double temperature) {
  return dispatch(Pass::kForward, q, t, temperature, torch::Tensor(), 0.0);
}

InfoNceOutputs infonce_backward(const torch::Tensor& q, const torch::Tensor& t, double temperature,
                                const torch::Tensor& lse, double grad_loss) {
  return dispatch(Pass::kBackward, q, t, temperature, lse, grad_loss);
}

InfoNceOutputs infonce_forward_backward(const torch::Tensor& q, const torch::Tensor& t, double temperature,
                                        double grad_loss) {
  return dispatch(Pass::kBoth, q, t, temperature, torch::Tensor(), grad_loss);
}

torch::Tensor infonce_loss(const torch::Tensor& q, const torch::Tensor& t, double temperature) {
  return InfoNceFunction::apply(q, t, temperature);
}

}  // namespace vlm2vec::ops
