// Benchmarks of the CUDA kernels against their unfused libtorch formulations and against
// libtorch's cuBLAS GEMMs of the same shapes, in one process on one GPU, printed as a
// Markdown table (ratios are from this run only). Run by cuda-kernels/test/gpu-check.sh.
//
// Timing: 2 warm-up calls, then the mean of N calls between device synchronisations.
// Memory: the caching allocator's peak above what was allocated before the call (inputs
// excluded), from a separate call.
#include <c10/cuda/CUDACachingAllocator.h>
#include <torch/torch.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <string>

#include "ops/fused_infonce.h"
#include "ops/last_token_pool.h"
#include "ops/lora_linear.h"
#include "vlm2vec_kernels.h"

namespace {

namespace F = torch::nn::functional;

double time_ms(const std::function<void()>& fn, int iterations) {
  for (int i = 0; i < 2; ++i) fn();
  torch::cuda::synchronize();
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < iterations; ++i) fn();
  torch::cuda::synchronize();
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count() / iterations;
}

double peak_mib(const std::function<void()>& fn) {
  torch::cuda::synchronize();
  namespace alloc = c10::cuda::CUDACachingAllocator;
  const auto before = alloc::getDeviceStats(0).allocated_bytes[0].current;
  alloc::resetPeakStats(0);
  fn();
  torch::cuda::synchronize();
  const auto peak = alloc::getDeviceStats(0).allocated_bytes[0].peak;
  return static_cast<double>(peak - before) / (1024.0 * 1024.0);
}

void row(const std::string& name, const std::string& shape, double ms, double mib, const std::string& note) {
  std::printf("| %s | %s | %.3f | %.0f | %s |\n", name.c_str(), shape.c_str(), ms, mib, note.c_str());
  std::fflush(stdout);
}

// Runs fn with the kernels' GEMM on the given backend, then back to the default (cuBLAS).
template <class Fn>
auto on_gemm(int32_t backend, Fn fn) {
  if (vlm2vec_kernels_set_gemm_backend(backend) != VLM2VEC_OK) {
    std::fprintf(stderr, "vlm2vec_kernel_bench: %s\n", vlm2vec_kernels_last_error());
    std::exit(1);
  }
  const auto result = fn();
  vlm2vec_kernels_set_gemm_backend(VLM2VEC_GEMM_AUTO);
  return result;
}

std::string ratio(const char* what, double value) {
  char text[96];
  std::snprintf(text, sizeof text, "%s %.2fx", what, value);
  return text;
}

void bench_infonce(int64_t batch, int64_t dim) {
  const double tau = 0.02;
  const auto opts = torch::TensorOptions().device(torch::kCUDA).dtype(torch::kBFloat16);
  const auto q = F::normalize(torch::randn({batch, dim}, opts.dtype(torch::kFloat32)), F::NormalizeFuncOptions().dim(1)).to(torch::kBFloat16);
  const auto t = F::normalize(torch::randn({batch, dim}, opts.dtype(torch::kFloat32)), F::NormalizeFuncOptions().dim(1)).to(torch::kBFloat16);
  const std::string shape = "B=" + std::to_string(batch) + " D=" + std::to_string(dim) + " bf16";
  const int iterations = batch >= 16384 ? 5 : 10;

  auto fused = [&] { vlm2vec::ops::infonce_forward_backward(q, t, tau); };
  auto two_pass = [&] {
    const auto f = vlm2vec::ops::infonce_forward(q, t, tau);
    vlm2vec::ops::infonce_backward(q, t, tau, f.lse, 1.0);
  };
  auto unfused = [&] {
    auto ql = q.detach().requires_grad_(true), tl = t.detach().requires_grad_(true);
    const auto logits = ql.matmul(tl.t()).to(torch::kFloat32) / tau;  // fp32 logits, as the fused op keeps
    const auto loss = F::nll_loss(F::log_softmax(logits, F::LogSoftmaxFuncOptions(1)), torch::arange(batch, torch::TensorOptions().device(torch::kCUDA)));
    loss.backward();
  };
  // The GEMM-only bound: the three products any exact method needs (logits, grad_q, grad_t).
  auto logits_bf16 = torch::empty({batch, batch}, opts);
  auto gemms = [&] {
    torch::matmul_out(logits_bf16, q, t.t());
    torch::matmul(logits_bf16, t);
    torch::matmul(logits_bf16.t(), q);
  };
  const double t_fused = on_gemm(VLM2VEC_GEMM_CUBLAS, [&] { return time_ms(fused, iterations); });
  const double t_two = on_gemm(VLM2VEC_GEMM_CUBLAS, [&] { return time_ms(two_pass, iterations); });
  const double t_tiled = on_gemm(VLM2VEC_GEMM_TILED, [&] { return time_ms(fused, iterations); });
  const double t_unfused = time_ms(unfused, iterations), t_gemm = time_ms(gemms, iterations);
  const double m_fused = on_gemm(VLM2VEC_GEMM_CUBLAS, [&] { return peak_mib(fused); });
  const double m_two = on_gemm(VLM2VEC_GEMM_CUBLAS, [&] { return peak_mib(two_pass); });
  const double m_unfused = peak_mib(unfused);
  const double tflop = 3 * 2.0 * batch * batch * dim / 1e12;
  row("InfoNCE fused fwd+bwd (one pass), cuBLAS GEMMs", shape, t_fused, m_fused,
      ratio("unfused/fused", t_unfused / t_fused) + ", " + ratio("gemm-bound/fused", t_gemm / t_fused));
  row("InfoNCE fused fwd, then bwd from LSE, cuBLAS GEMMs", shape, t_two, m_two, ratio("unfused/this", t_unfused / t_two));
  row("InfoNCE fused fwd+bwd (one pass), own tiled GEMM", shape, t_tiled, m_fused,
      ratio("unfused/this", t_unfused / t_tiled) + ", " + ratio("gemm-bound/this", t_gemm / t_tiled));
  // Where the time goes: the forward alone is one logits GEMM (fp32 out) plus the row kernel.
  auto forward = [&] { vlm2vec::ops::infonce_forward(q, t, tau); };
  auto one_gemm = [&] { torch::matmul_out(logits_bf16, q, t.t()); };
  const double t_forward = on_gemm(VLM2VEC_GEMM_CUBLAS, [&] { return time_ms(forward, iterations); });
  const double t_one_gemm = time_ms(one_gemm, iterations);
  char split[128];
  std::snprintf(split, sizeof split, "libtorch's logits GEMM alone: %.3f ms; the rest (row kernel, launches) %.3f ms",
                t_one_gemm, t_forward - t_one_gemm);
  row("InfoNCE fused forward only, cuBLAS GEMM", shape, t_forward, 0, split);
  row("InfoNCE unfused libtorch (matmul, log_softmax, nll)", shape, t_unfused, m_unfused, "baseline");
  char note[96];
  std::snprintf(note, sizeof note, "cuBLAS via libtorch, %.0f TFLOP/s", tflop / (t_gemm / 1e3));
  row("GEMM-only bound (3 GEMMs)", shape, t_gemm, 0, note);
}

void bench_pool_backward() {
  const int64_t batch = 64, seq_len = 1024, hidden = 3072;
  const auto states = torch::randn({batch, seq_len, hidden}, torch::kCUDA);
  const auto lengths = torch::randint(1, seq_len + 1, {batch}, torch::TensorOptions().dtype(torch::kLong).device(torch::kCUDA));
  const auto grad_reps = torch::randn({batch, hidden}, torch::kCUDA);
  const std::string shape = "64x1024x3072 fp32";
  auto fused = [&] {
    auto grad = torch::zeros_like(states);
    vlm2vec::ops::last_token_pool_normalize_backward(states, lengths, grad_reps, grad);
  };
  auto unfused = [&] {
    auto leaf = states.detach().requires_grad_(true);
    const auto index = (lengths - 1).view({batch, 1, 1}).expand({batch, 1, hidden});
    const auto reps = F::normalize(leaf.gather(1, index).squeeze(1), F::NormalizeFuncOptions().dim(1).eps(1e-12));
    reps.backward(grad_reps);
  };
  const double tf = time_ms(fused, 20), tu = time_ms(unfused, 20);
  row("Pool+norm replay backward (kernel, incl. zeroing grad)", shape, tf, peak_mib(fused), ratio("unfused/fused", tu / tf));
  row("Pool+norm backward, libtorch autograd", shape, tu, peak_mib(unfused), "baseline");
}

void bench_lora() {
  const int64_t rows = 8192, in = 3072, out = 3072, rank = 16;
  const double scale = 2.0;
  const auto opts = torch::TensorOptions().device(torch::kCUDA).dtype(torch::kBFloat16);
  const auto x = torch::randn({rows, in}, opts);
  const auto wa = torch::randn({out + rank, in}, opts) * 0.02;
  const auto b = torch::randn({out, rank}, opts) * 0.02;
  const auto grad_y = torch::randn({rows, out}, opts);
  const auto w = wa.narrow(0, 0, out), a = wa.narrow(0, out, rank);
  const std::string shape = "8192x3072 -> 3072, r=16 bf16";
  auto fused = [&] {
    const auto z = vlm2vec::ops::lora_forward(x, wa, b, scale);
    vlm2vec::ops::lora_backward(x, wa, b, z, grad_y, scale, true);
  };
  auto unfused = [&] {
    auto xl = x.detach().requires_grad_(true);
    auto al = a.detach().requires_grad_(true), bl = b.detach().requires_grad_(true);
    const auto y = F::linear(xl, w) + scale * F::linear(F::linear(xl, al), bl);
    y.backward(grad_y);
  };
  auto fused_forward = [&] { vlm2vec::ops::lora_forward(x, wa, b, scale); };
  auto cublas_forward = [&] { F::linear(x, wa); };
  const double tf = on_gemm(VLM2VEC_GEMM_CUBLAS, [&] { return time_ms(fused, 20); });
  const double tt = on_gemm(VLM2VEC_GEMM_TILED, [&] { return time_ms(fused, 20); });
  const double tu = time_ms(unfused, 20);
  const double mf = on_gemm(VLM2VEC_GEMM_CUBLAS, [&] { return peak_mib(fused); });
  row("LoRA linear fwd+bwd (fused kernels), cuBLAS GEMMs", shape, tf, mf, ratio("unfused/fused", tu / tf));
  row("LoRA linear fwd+bwd (fused kernels), own tiled GEMM", shape, tt, mf, ratio("unfused/this", tu / tt));
  row("LoRA linear fwd+bwd, libtorch autograd", shape, tu, peak_mib(unfused), "baseline");
  const double tff = on_gemm(VLM2VEC_GEMM_TILED, [&] { return time_ms(fused_forward, 20); });
  const double tcf = time_ms(cublas_forward, 20);
  const double tbf = on_gemm(VLM2VEC_GEMM_CUBLAS, [&] { return time_ms(fused_forward, 20); });
  char note[128];
  std::snprintf(note, sizeof note, "stacked GEMM x wa^T alone in libtorch: %.3f ms (this/libtorch %.2fx)", tcf, tff / tcf);
  row("LoRA forward only (fused), own tiled GEMM", shape, tff, 0, note);
  std::snprintf(note, sizeof note, "same libtorch GEMM: this/libtorch %.2fx (+ the rank-r GEMM)", tbf / tcf);
  row("LoRA forward only (fused), cuBLAS GEMMs", shape, tbf, 0, note);
}

}  // namespace

int main(int argc, char** argv) {
  if (!torch::cuda::is_available()) {
    std::fprintf(stderr, "vlm2vec_kernel_bench: no CUDA device\n");
    return 1;
  }
  const bool quick = argc > 1 && std::string(argv[1]) == "--quick";
  std::printf("| kernel | shape | ms | peak MiB (beyond inputs) | note |\n|---|---|---|---|---|\n");
  bench_infonce(4096, 3072);
  if (!quick) bench_infonce(16384, 3072);
  bench_pool_backward();
  bench_lora();
  return 0;
}
