// C ABI: runtime facts and thread settings.
#include <ATen/Parallel.h>
#include <sched.h>
#include <torch/cuda.h>
#include <torch/version.h>

#include <algorithm>
#include <cstring>
#include <string>
#include <thread>

#include "abi/c_strings.h"
#include "abi/guard.h"
#include "abi/dtypes.h"
#include "runtime/blas_probe.h"
#include "runtime/gemm_probe.h"
#include "vlm2vec.h"

namespace {


int32_t usable_cpus() {
  cpu_set_t set;
  if (sched_getaffinity(0, sizeof(set), &set) == 0) return CPU_COUNT(&set);
  return static_cast<int32_t>(std::max(1u, std::thread::hardware_concurrency()));
}

}  // namespace

extern "C" int32_t vlm2vec_runtime_info_get(vlm2vec_runtime_info* out) {
  return vlm2vec::abi::guarded([&] {
    vlm2vec::check_not_null(out, "out (vlm2vec_runtime_info*)");
    vlm2vec_runtime_info info{};
    vlm2vec::abi::copy_truncated(info.torch_version, TORCH_VERSION);
    const auto blas = vlm2vec::runtime::probe_blas();
    vlm2vec::abi::copy_truncated(info.blas_version, blas.version);
    vlm2vec::abi::copy_truncated(info.blas_library, blas.library);
    info.blas_kind = blas.kind;
#ifdef VLM2VEC_TORCH_HAS_CUDA
    info.cuda_compiled = 1;
#endif
#ifdef VLM2VEC_WITH_CUDA_KERNELS
    info.cuda_kernels = 1;
#endif
    info.cuda_available = torch::cuda::is_available() ? 1 : 0;
    info.cuda_device_count = info.cuda_available ? static_cast<int32_t>(torch::cuda::device_count()) : 0;
    info.num_threads = at::get_num_threads();
    info.num_interop_threads = at::get_num_interop_threads();
    info.max_threads = usable_cpus();
    *out = info;
  });
}

extern "C" int32_t vlm2vec_set_num_threads(int32_t num_threads) {
  return vlm2vec::abi::guarded([&] {
    vlm2vec::check_argument(num_threads >= 1, "num_threads = " + std::to_string(num_threads) +
                                                  " is invalid: it must be at least 1");
    at::set_num_threads(num_threads);
  });
}

extern "C" int32_t vlm2vec_gemm_probe_run(int32_t dtype, int64_t m, int64_t n, int64_t k, vlm2vec_gemm_probe* out) {
  return vlm2vec::abi::guarded([&] {
    vlm2vec::check_not_null(out, "out (vlm2vec_gemm_probe*)");
    vlm2vec::check_argument(m > 0 && n > 0 && k > 0 && m <= 65536 && n <= 65536 && k <= 65536,
                            "the probe's m, n, k must be in [1, 65536]");
    const auto probe = vlm2vec::runtime::probe_gemm(vlm2vec::abi::scalar_type(dtype), m, n, k);
    vlm2vec_gemm_probe result{};
    result.gflops = probe.gflops;
    vlm2vec::abi::copy_truncated(result.onednn_kernel, probe.onednn_kernel);
    *out = result;
  });
}
