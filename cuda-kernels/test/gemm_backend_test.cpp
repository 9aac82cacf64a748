// The GEMM backend switch: host logic, so it runs on machines without a GPU too (there cuBLAS
// is normally absent, and asking for it must say why rather than fail at the first launch).
#include <gtest/gtest.h>

#include <string>

#include "vlm2vec_kernels.h"

namespace {

TEST(GemmBackend, ChoosesAndExplains) {
  EXPECT_EQ(vlm2vec_kernels_set_gemm_backend(7), VLM2VEC_ERR_INVALID_ARGUMENT);
  EXPECT_NE(std::string(vlm2vec_kernels_last_error()).find("got 7"), std::string::npos) << vlm2vec_kernels_last_error();

  ASSERT_EQ(vlm2vec_kernels_set_gemm_backend(VLM2VEC_GEMM_TILED), VLM2VEC_OK);
  EXPECT_EQ(vlm2vec_kernels_gemm_backend(), VLM2VEC_GEMM_TILED);

  const int32_t cublas = vlm2vec_kernels_set_gemm_backend(VLM2VEC_GEMM_CUBLAS);
  if (cublas == VLM2VEC_OK) {
    EXPECT_EQ(vlm2vec_kernels_gemm_backend(), VLM2VEC_GEMM_CUBLAS);
  } else {
    EXPECT_EQ(cublas, VLM2VEC_ERR_UNSUPPORTED);
    EXPECT_NE(std::string(vlm2vec_kernels_last_error()).find("cuBLAS could not be loaded"), std::string::npos)
        << vlm2vec_kernels_last_error();
    EXPECT_EQ(vlm2vec_kernels_gemm_backend(), VLM2VEC_GEMM_TILED);  // the failed request changed nothing
  }

  // AUTO resolves to cuBLAS exactly when it loads.
  ASSERT_EQ(vlm2vec_kernels_set_gemm_backend(VLM2VEC_GEMM_AUTO), VLM2VEC_OK);
  EXPECT_EQ(vlm2vec_kernels_gemm_backend(), cublas == VLM2VEC_OK ? VLM2VEC_GEMM_CUBLAS : VLM2VEC_GEMM_TILED);
}

}  // namespace
