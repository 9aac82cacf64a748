// Runtime facts: versions, BLAS identification, thread settings.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cstdio>
#include <fstream>
#include <iostream>
#include <iterator>
#include <string>

#include "runtime/blas_probe.h"
#include "runtime/gemm_probe.h"
#include "vlm2vec.h"

TEST(RuntimeInfo, ReportsVersionsAndThreads) {
  EXPECT_EQ(vlm2vec_abi_version(), VLM2VEC_ABI_VERSION);
  EXPECT_FALSE(std::string(vlm2vec_version()).empty());
  vlm2vec_runtime_info info{};
  ASSERT_EQ(vlm2vec_runtime_info_get(&info), VLM2VEC_OK) << vlm2vec_last_error();
  EXPECT_EQ(std::string(info.torch_version).rfind(std::to_string(TORCH_VERSION_MAJOR) + ".", 0), 0u)
      << info.torch_version;
  EXPECT_GE(info.num_threads, 1);
  EXPECT_GE(info.max_threads, 1);
  EXPECT_EQ(info.cuda_available, torch::cuda::is_available() ? 1 : 0);
  EXPECT_EQ(vlm2vec_runtime_info_get(nullptr), VLM2VEC_ERR_NULL_POINTER);
}

TEST(RuntimeInfo, FindsTheBlasThatProvidesSgemm) {
  vlm2vec_runtime_info info{};
  ASSERT_EQ(vlm2vec_runtime_info_get(&info), VLM2VEC_OK);
  // The test binary links libtorch, so some BLAS is always loaded; on Debian with
  // libopenblas0-pthread it is OpenBLAS and the version string says so.
  EXPECT_NE(info.blas_kind, VLM2VEC_BLAS_UNKNOWN) << info.blas_library;
  if (info.blas_kind == VLM2VEC_BLAS_OPENBLAS && info.blas_library[0] != '\0') {
    EXPECT_EQ(std::string(info.blas_version).rfind("OpenBLAS", 0), 0u) << info.blas_version;
  }
}

TEST(RuntimeInfo, ClassifiesBlasLibrariesByPath) {
  using vlm2vec::runtime::classify_blas_library;
  EXPECT_EQ(classify_blas_library("/usr/lib/x86_64-linux-gnu/openblas-pthread/libblas.so.3"), VLM2VEC_BLAS_OPENBLAS);
  EXPECT_EQ(classify_blas_library("/usr/lib/x86_64-linux-gnu/blas/libblas.so.3.11.0"), VLM2VEC_BLAS_REFERENCE);
  EXPECT_EQ(classify_blas_library("/opt/intel/mkl/lib/libmkl_rt.so"), VLM2VEC_BLAS_MKL);
  EXPECT_EQ(classify_blas_library("/usr/lib/libblis.so.4"), VLM2VEC_BLAS_OTHER);
  EXPECT_EQ(classify_blas_library(""), VLM2VEC_BLAS_UNKNOWN);
}

TEST(RuntimeInfo, SetsThreadCount) {
  vlm2vec_runtime_info before{};
  ASSERT_EQ(vlm2vec_runtime_info_get(&before), VLM2VEC_OK);
  ASSERT_EQ(vlm2vec_set_num_threads(1), VLM2VEC_OK);
  vlm2vec_runtime_info after{};
  ASSERT_EQ(vlm2vec_runtime_info_get(&after), VLM2VEC_OK);
  EXPECT_EQ(after.num_threads, 1);
  EXPECT_EQ(vlm2vec_set_num_threads(0), VLM2VEC_ERR_INVALID_ARGUMENT);
  EXPECT_STREQ(vlm2vec_last_error(), "num_threads = 0 is invalid: it must be at least 1");
  ASSERT_EQ(vlm2vec_set_num_threads(before.num_threads), VLM2VEC_OK);
}

TEST(GemmProbe, ReadsTheKernelFromOneDnnsVerboseLog) {
  using vlm2vec::runtime::onednn_kernel_from_log;
  // oneDNN 2.x (Debian 12's libdnnl2) and 3.x spellings; info lines before the execution.
  EXPECT_EQ(onednn_kernel_from_log("dnnl_verbose,info,oneDNN v2.7.3\n"
                                   "dnnl_verbose,info,cpu,isa:Intel AVX-512 with AVX512BW\n"
                                   "dnnl_verbose,exec,cpu,matmul,brg:avx512_core_amx_bf16,undef,src_bf16::blocked:ab:f0,,,"
                                   "256x1024:1024x1024:256x1024,0.29\n"),
            "brg:avx512_core_amx_bf16");
  EXPECT_EQ(onednn_kernel_from_log("onednn_verbose,1701,primitive,exec,cpu,inner_product,brgemm:avx512_core_bf16,"
                                   "forward_inference,src_bf16\n"),
            "brgemm:avx512_core_bf16");
  EXPECT_EQ(onednn_kernel_from_log("some,exec,cpu,matmul,x\nnothing here\n"), "");
  EXPECT_EQ(onednn_kernel_from_log(""), "");
}

TEST(GemmProbe, MeasuresARateAndLeavesStdoutWorking) {
  const auto fp32 = vlm2vec::runtime::probe_gemm(torch::kFloat32, 64, 128, 128);
  EXPECT_GT(fp32.gflops, 0.1);
  EXPECT_EQ(fp32.onednn_kernel, "") << "fp32 goes to BLAS";
  const auto bf16 = vlm2vec::runtime::probe_gemm(torch::kBFloat16, 64, 128, 128);
  EXPECT_GT(bf16.gflops, 0.01);
  std::ifstream cpuinfo("/proc/cpuinfo");
  const std::string flags((std::istreambuf_iterator<char>(cpuinfo)), std::istreambuf_iterator<char>());
  // libtorch 1.13 sends a bf16 linear to oneDNN on AVX-512 CPUs: its verbose log names the kernel.
  if (flags.find(" avx512bw") != std::string::npos) EXPECT_FALSE(bf16.onednn_kernel.empty());
  std::cerr << "probe: fp32 " << fp32.gflops << " GFLOP/s, bf16 " << bf16.gflops << " GFLOP/s on '" << bf16.onednn_kernel
            << "'\n";
  // The capture put standard output back.
  testing::internal::CaptureStdout();
  std::printf("after the probe");
  std::fflush(stdout);
  EXPECT_EQ(testing::internal::GetCapturedStdout(), "after the probe");
}
