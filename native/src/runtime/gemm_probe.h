// How fast libtorch multiplies matrices in a dtype here, and which oneDNN kernel does it:
// bfloat16 is only worth defaulting to on a CPU where oneDNN runs it on AMX or AVX512-BF16
// (`doctor` reports both; libtorch 1.13 sends bf16 linear to oneDNN and float32 to BLAS).
#pragma once

#include <torch/torch.h>

#include <cstdint>
#include <string>

namespace vlm2vec::runtime {

struct GemmProbe {
  double gflops = 0.0;
  std::string onednn_kernel;  // e.g. "brg:avx512_core_amx_bf16"; empty when oneDNN did not run
};

// torch::linear of [m, k] by [k, n] in dtype: one run with oneDNN's verbose log captured (fd 1
// redirected to a temporary file for that call), then timed repeats for about 0.2 s.
GemmProbe probe_gemm(torch::ScalarType dtype, int64_t m, int64_t n, int64_t k);

// The implementation field of the first primitive execution line in a oneDNN verbose log
// ("onednn_verbose,exec,cpu,matmul,brg:avx512_core_amx,..."); "" when there is none.
std::string onednn_kernel_from_log(const std::string& log);

}  // namespace vlm2vec::runtime
