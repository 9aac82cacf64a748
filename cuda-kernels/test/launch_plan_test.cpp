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

TEST(InfoNcePlan, StripsKeepLogitsWithinTheInputsSize) {
  vlm2vec_infonce_plan plan{};
  ASSERT_EQ(vlm2vec_infonce_plan_for(16384, 16384, 3072, VLM2VEC_DTYPE_BFLOAT16, &plan), VLM2VEC_OK);
  EXPECT_EQ(plan.strip_rows, 6144);  // (16384 + 16384) * 3072 / 16384
  EXPECT_EQ(plan.strips, 3);
  // fp32 logits, then bf16 probabilities, then the row losses.
  EXPECT_EQ(plan.logits_offset, 0);
  EXPECT_EQ(plan.probabilities_offset, 6144LL * 16384 * 4);
  EXPECT_EQ(plan.row_loss_offset, 6144LL * 16384 * 6);
  EXPECT_EQ(plan.workspace_bytes, 6144LL * 16384 * 6 + 16384 * 4);
  EXPECT_LE(plan.strip_rows * 16384, (16384LL + 16384) * 3072);  // O(B * D), not O(B^2)
  EXPECT_EQ(plan.row_threads, 1024);  // 16384 logits, 16 per thread

  // fp32 probabilities overwrite the logits: no second buffer.
  ASSERT_EQ(vlm2vec_infonce_plan_for(8192, 8192, 1024, VLM2VEC_DTYPE_FLOAT32, &plan), VLM2VEC_OK);
  EXPECT_EQ(plan.strip_rows, 2048);
  EXPECT_EQ(plan.strips, 4);
  EXPECT_EQ(plan.probabilities_offset, plan.logits_offset);
  EXPECT_EQ(plan.row_loss_offset, 2048LL * 8192 * 4);
  EXPECT_EQ(plan.workspace_bytes, 2048LL * 8192 * 4 + 8192 * 4);

  // A batch that fits the budget is one strip.
  ASSERT_EQ(vlm2vec_infonce_plan_for(4096, 4096, 3072, VLM2VEC_DTYPE_BFLOAT16, &plan), VLM2VEC_OK);
  EXPECT_EQ(plan.strip_rows, 4096);
  EXPECT_EQ(plan.strips, 1);
  EXPECT_EQ(plan.row_threads, 256);  // shorter rows, smaller blocks

  // Hard negatives widen the rows, so strips get shorter, rounded up to 64-row tiles...
  ASSERT_EQ(vlm2vec_infonce_plan_for(1024, 2048, 64, VLM2VEC_DTYPE_FLOAT16, &plan), VLM2VEC_OK);
  EXPECT_EQ(plan.strip_rows, 128);  // 96 rounded up
  EXPECT_EQ(plan.strips, 8);
  // ...and never below one tile.
  ASSERT_EQ(vlm2vec_infonce_plan_for(1024, 8192, 16, VLM2VEC_DTYPE_FLOAT16, &plan), VLM2VEC_OK);
  EXPECT_EQ(plan.strip_rows, 64);
  EXPECT_EQ(plan.strips, 16);
  // A batch smaller than a tile is one strip of the whole batch.
  ASSERT_EQ(vlm2vec_infonce_plan_for(5, 9, 3, VLM2VEC_DTYPE_FLOAT32, &plan), VLM2VEC_OK);
  EXPECT_EQ(plan.strip_rows, 5);
  EXPECT_EQ(plan.strips, 1);
  EXPECT_EQ(plan.row_threads, 32);  // never below a warp
  // Rows wider than 1024 threads can hold: the block stays at 1024 (the rest is re-read).
  ASSERT_EQ(vlm2vec_infonce_plan_for(64, 40000, 8, VLM2VEC_DTYPE_FLOAT32, &plan), VLM2VEC_OK);
  EXPECT_EQ(plan.row_threads, 1024);
}

TEST(InfoNcePlan, RejectsBadArguments) {
  vlm2vec_infonce_plan plan{};
  EXPECT_EQ(vlm2vec_infonce_plan_for(8, 7, 16, VLM2VEC_DTYPE_FLOAT32, &plan), VLM2VEC_ERR_INVALID_ARGUMENT);
  EXPECT_EQ(vlm2vec_infonce_plan_for(0, 7, 16, VLM2VEC_DTYPE_FLOAT32, &plan), VLM2VEC_ERR_INVALID_ARGUMENT);
  EXPECT_EQ(vlm2vec_infonce_plan_for(8, 8, 0, VLM2VEC_DTYPE_FLOAT32, &plan), VLM2VEC_ERR_INVALID_ARGUMENT);
  EXPECT_EQ(vlm2vec_infonce_plan_for(8, 8, 16, 7, &plan), VLM2VEC_ERR_INVALID_ARGUMENT);
  EXPECT_EQ(vlm2vec_infonce_plan_for(8, 8, 16, VLM2VEC_DTYPE_FLOAT32, nullptr), VLM2VEC_ERR_NULL_POINTER);
}
