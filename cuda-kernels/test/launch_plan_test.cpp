// Launch geometry and argument validation of the kernels, checked without a GPU.
#include <gtest/gtest.h>

#include "vlm2vec_kernels.h"

TEST(PoolNormalizePlan, OneBlockPerRowWholeWarps) {
  vlm2vec_launch_plan plan{};
  ASSERT_EQ(vlm2vec_pool_normalize_plan(8, 16, 3072, &plan), VLM2VEC_OK);
  EXPECT_EQ(plan.grid, 8);
  EXPECT_EQ(plan.block, 1024);
  EXPECT_EQ(plan.shared_bytes, 32 * 4);

  ASSERT_EQ(vlm2vec_pool_normalize_plan(3, 1, 33, &plan), VLM2VEC_OK);
  EXPECT_EQ(plan.block, 64);
  EXPECT_EQ(plan.shared_bytes, 2 * 4);

  ASSERT_EQ(vlm2vec_pool_normalize_plan(1, 1, 1, &plan), VLM2VEC_OK);
  EXPECT_EQ(plan.block, 32);
}

TEST(PoolNormalizePlan, RejectsBadShapes) {
  vlm2vec_launch_plan plan{};
  EXPECT_EQ(vlm2vec_pool_normalize_plan(-1, 4, 8, &plan), VLM2VEC_ERR_INVALID_ARGUMENT);
  EXPECT_EQ(vlm2vec_pool_normalize_plan(2, 0, 8, &plan), VLM2VEC_ERR_INVALID_ARGUMENT);
  EXPECT_EQ(vlm2vec_pool_normalize_plan(2, 4, 0, &plan), VLM2VEC_ERR_INVALID_ARGUMENT);
  EXPECT_EQ(vlm2vec_pool_normalize_plan(int64_t{1} << 31, 4, 8, &plan), VLM2VEC_ERR_INVALID_ARGUMENT);
  EXPECT_EQ(vlm2vec_pool_normalize_plan(2, 4, 8, nullptr), VLM2VEC_ERR_NULL_POINTER);
}
