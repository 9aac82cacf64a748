// Last-token pooling + normalisation through the C ABI, against a float64 loop.
#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <string>
#include <vector>

#include <torch/torch.h>

#include "ops/last_token_pool.h"
#include "vlm2vec.h"

namespace {

std::vector<float> random_values(size_t count, unsigned seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> normal(0.0f, 2.0f);
  std::vector<float> values(count);
  for (auto& v : values) v = normal(rng);
  return values;
}

std::vector<double> reference_pool(const std::vector<float>& hidden, int64_t seq_len, int64_t hidden_size,
                                   const std::vector<int64_t>& lengths) {
  std::vector<double> out;
  for (size_t b = 0; b < lengths.size(); ++b) {
    const float* row = hidden.data() + (b * seq_len + (lengths[b] - 1)) * hidden_size;
    double squared = 0;
    for (int64_t i = 0; i < hidden_size; ++i) squared += double(row[i]) * row[i];
    const double norm = std::max(std::sqrt(squared), 1e-12);
    for (int64_t i = 0; i < hidden_size; ++i) out.push_back(row[i] / norm);
  }
  return out;
}

}  // namespace

TEST(LastTokenPool, MatchesFloat64Reference) {
  const int64_t batch = 4, seq_len = 7, hidden_size = 33;
  const auto hidden = random_values(batch * seq_len * hidden_size, 1);
  const std::vector<int64_t> lengths{7, 1, 3, 5};
  std::vector<float> out(batch * hidden_size, -1.0f);
  ASSERT_EQ(vlm2vec_last_token_pool_normalize(hidden.data(), hidden.size(), batch, seq_len, hidden_size,
                                              lengths.data(), out.data(), out.size()),
            VLM2VEC_OK)
      << vlm2vec_last_error();
  const auto expected = reference_pool(hidden, seq_len, hidden_size, lengths);
  for (size_t i = 0; i < out.size(); ++i) EXPECT_NEAR(out[i], expected[i], 1e-6) << "element " << i;
}

TEST(LastTokenPool, ZeroVectorStaysZero) {
  const std::vector<float> hidden(2 * 3, 0.0f);
  const std::vector<int64_t> lengths{2};
  std::vector<float> out(3, 9.0f);
  ASSERT_EQ(vlm2vec_last_token_pool_normalize(hidden.data(), 6, 1, 2, 3, lengths.data(), out.data(), 3), VLM2VEC_OK);
  for (float v : out) EXPECT_EQ(v, 0.0f);
}

TEST(LastTokenPool, EmptyBatchIsAllowed) {
  EXPECT_EQ(vlm2vec_last_token_pool_normalize(nullptr, 0, 0, 4, 8, nullptr, nullptr, 0), VLM2VEC_OK);
}

TEST(LastTokenPool, LengthOutOfRangeNamesTheRow) {
  const std::vector<float> hidden(2 * 4 * 3, 1.0f);
  std::vector<float> out(2 * 3);
  for (int64_t bad : {0L, 5L, -1L}) {
    const std::vector<int64_t> lengths{4, bad};
    EXPECT_EQ(vlm2vec_last_token_pool_normalize(hidden.data(), hidden.size(), 2, 4, 3, lengths.data(), out.data(),
                                                out.size()),
              VLM2VEC_ERR_INVALID_ARGUMENT);
    EXPECT_EQ(std::string(vlm2vec_last_error()),
              "lengths[1] = " + std::to_string(bad) + " is out of range: it must be in [1, seq_len = 4]");
  }
}

TEST(LastTokenPool, WrongBufferSizesAreRejected) {
  const std::vector<float> hidden(2 * 4 * 3, 1.0f);
  const std::vector<int64_t> lengths{4, 4};
  std::vector<float> out(2 * 3);
  EXPECT_EQ(vlm2vec_last_token_pool_normalize(hidden.data(), 23, 2, 4, 3, lengths.data(), out.data(), 6),
            VLM2VEC_ERR_INVALID_ARGUMENT);
  EXPECT_STREQ(vlm2vec_last_error(), "hidden holds 23 elements but batch * seq_len * hidden_size = 24 are required");
  EXPECT_EQ(vlm2vec_last_token_pool_normalize(hidden.data(), 24, 2, 4, 3, lengths.data(), out.data(), 5),
            VLM2VEC_ERR_INVALID_ARGUMENT);
  EXPECT_STREQ(vlm2vec_last_error(), "out holds 5 elements but batch * hidden_size = 6 are required");
  EXPECT_EQ(vlm2vec_last_token_pool_normalize(hidden.data(), 24, -2, 4, 3, lengths.data(), out.data(), 6),
            VLM2VEC_ERR_INVALID_ARGUMENT);
  EXPECT_STREQ(vlm2vec_last_error(), "batch = -2 is invalid: it must be at least 0");
}

TEST(LastTokenPool, NullBuffersAreRejected) {
  std::vector<float> out(3);
  const std::vector<int64_t> lengths{1};
  EXPECT_EQ(vlm2vec_last_token_pool_normalize(nullptr, 3, 1, 1, 3, lengths.data(), out.data(), 3),
            VLM2VEC_ERR_NULL_POINTER);
  EXPECT_STREQ(vlm2vec_last_error(), "hidden is NULL");
}

TEST(LastTokenPool, OverflowingShapeIsAnError) {
  float dummy = 0;
  int64_t length = 1;
  EXPECT_EQ(vlm2vec_last_token_pool_normalize(&dummy, 1, 1L << 40, 1L << 20, 1L << 20, &length, &dummy, 1),
            VLM2VEC_ERR_INVALID_ARGUMENT);
  EXPECT_NE(std::string(vlm2vec_last_error()).find("overflows"), std::string::npos);
}

// The fast CPU path and libtorch's general formulation (taken for non-contiguous or
// non-fp32 input) must agree.
TEST(LastTokenPool, FastCpuPathAgreesWithTheGeneralPath) {
  torch::manual_seed(5);
  const auto hidden = torch::randn({6, 10, 48});
  const auto lengths = torch::tensor({10, 1, 5, 2, 9, 3}, torch::kLong);
  const auto fast = vlm2vec::ops::last_token_pool_normalize(hidden, lengths);
  const auto general = vlm2vec::ops::last_token_pool_normalize(hidden.to(torch::kFloat64), lengths);
  EXPECT_TRUE(torch::allclose(fast.to(torch::kFloat64), general, 1e-6, 1e-7));
  // A transposed-then-restored view is non-contiguous and takes the general path.
  const auto strided = hidden.transpose(0, 1).contiguous().transpose(0, 1);
  ASSERT_FALSE(strided.is_contiguous());
  EXPECT_TRUE(torch::allclose(vlm2vec::ops::last_token_pool_normalize(strided, lengths), fast, 1e-6, 1e-7));
}
