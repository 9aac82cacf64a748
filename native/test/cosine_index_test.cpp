// The cosine index against brute force in float64, its tie rule, and its input checks.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>
#include <vector>

#include "vlm2vec.h"

namespace {

struct IndexHandle {
  vlm2vec_index* raw = nullptr;
  explicit IndexHandle(int64_t dim) { EXPECT_EQ(vlm2vec_index_create(dim, &raw), VLM2VEC_OK) << vlm2vec_last_error(); }
  ~IndexHandle() { vlm2vec_index_free(raw); }
};

double cosine(const float* a, const float* b, int64_t dim) {
  double dot = 0, na = 0, nb = 0;
  for (int64_t i = 0; i < dim; ++i) {
    dot += double(a[i]) * b[i];
    na += double(a[i]) * a[i];
    nb += double(b[i]) * b[i];
  }
  return dot / std::sqrt(na * nb);
}

}  // namespace

TEST(CosineIndex, MatchesBruteForceRanking) {
  const int64_t dim = 16, count = 300, queries = 5, k = 7;
  std::mt19937 rng(7);
  std::normal_distribution<float> normal;
  std::vector<float> vectors(count * dim), query(queries * dim);
  for (auto& v : vectors) v = normal(rng);
  for (auto& v : query) v = normal(rng);
  IndexHandle index(dim);
  // Two batches, so ids continue across adds.
  ASSERT_EQ(vlm2vec_index_add(index.raw, vectors.data(), 100 * dim, 100), VLM2VEC_OK) << vlm2vec_last_error();
  ASSERT_EQ(vlm2vec_index_add(index.raw, vectors.data() + 100 * dim, 200 * dim, 200), VLM2VEC_OK);
  int64_t size = -1;
  ASSERT_EQ(vlm2vec_index_size(index.raw, &size), VLM2VEC_OK);
  EXPECT_EQ(size, count);

  std::vector<float> scores(queries * k);
  std::vector<int64_t> ids(queries * k);
  ASSERT_EQ(vlm2vec_index_search(index.raw, query.data(), query.size(), queries, k, scores.data(), ids.data(),
                                 scores.size()),
            VLM2VEC_OK)
      << vlm2vec_last_error();
  for (int64_t q = 0; q < queries; ++q) {
    std::vector<double> exact(count);
    for (int64_t c = 0; c < count; ++c) exact[c] = cosine(query.data() + q * dim, vectors.data() + c * dim, dim);
    std::vector<int64_t> order(count);
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](int64_t a, int64_t b) { return exact[a] > exact[b]; });
    for (int64_t i = 0; i < k; ++i) {
      EXPECT_EQ(ids[q * k + i], order[i]) << "query " << q << " rank " << i;
      EXPECT_NEAR(scores[q * k + i], exact[order[i]], 1e-5);
    }
  }
}

TEST(CosineIndex, TiesGoToTheLowestId) {
  IndexHandle index(2);
  // Ids 0..3: the same direction at different lengths, so all four score exactly 1.
  const std::vector<float> vectors{3, 0, 1, 0, 0, 1, 2, 0};
  ASSERT_EQ(vlm2vec_index_add(index.raw, vectors.data(), 8, 4), VLM2VEC_OK);
  const std::vector<float> query{5, 0};
  std::vector<float> scores(3);
  std::vector<int64_t> ids(3);
  ASSERT_EQ(vlm2vec_index_search(index.raw, query.data(), 2, 1, 3, scores.data(), ids.data(), 3), VLM2VEC_OK);
  EXPECT_EQ(ids, (std::vector<int64_t>{0, 1, 3}));
  EXPECT_FLOAT_EQ(scores[0], 1.0f);
}

TEST(CosineIndex, RejectsZeroAndNonFiniteVectorsWithoutAddingAny) {
  IndexHandle index(2);
  const std::vector<float> with_zero{1, 0, 0, 0};
  EXPECT_EQ(vlm2vec_index_add(index.raw, with_zero.data(), 4, 2), VLM2VEC_ERR_INVALID_ARGUMENT);
  EXPECT_STREQ(vlm2vec_last_error(), "vectors row 1 has zero norm and cannot be normalised");
  const std::vector<float> with_nan{1, 0, NAN, 1};
  EXPECT_EQ(vlm2vec_index_add(index.raw, with_nan.data(), 4, 2), VLM2VEC_ERR_INVALID_ARGUMENT);
  EXPECT_STREQ(vlm2vec_last_error(), "vectors row 1 contains NaN or infinity");
  int64_t size = -1;
  ASSERT_EQ(vlm2vec_index_size(index.raw, &size), VLM2VEC_OK);
  EXPECT_EQ(size, 0);
}

TEST(CosineIndex, SearchArgumentsAreChecked) {
  IndexHandle index(2);
  const std::vector<float> vectors{1, 0, 0, 1};
  ASSERT_EQ(vlm2vec_index_add(index.raw, vectors.data(), 4, 2), VLM2VEC_OK);
  std::vector<float> scores(3);
  std::vector<int64_t> ids(3);
  EXPECT_EQ(vlm2vec_index_search(index.raw, vectors.data(), 2, 1, 3, scores.data(), ids.data(), 3),
            VLM2VEC_ERR_INVALID_ARGUMENT);
  EXPECT_STREQ(vlm2vec_last_error(), "k = 3 is out of range: it must be in [1, index size = 2]");
  EXPECT_EQ(vlm2vec_index_search(index.raw, vectors.data(), 3, 1, 1, scores.data(), ids.data(), 1),
            VLM2VEC_ERR_INVALID_ARGUMENT);
  EXPECT_STREQ(vlm2vec_last_error(), "queries holds 3 elements but num_queries * dim = 2 are required");
}

TEST(CosineIndex, NullAndForeignHandlesAreRefused) {
  int64_t size = 0;
  EXPECT_EQ(vlm2vec_index_size(nullptr, &size), VLM2VEC_ERR_NULL_POINTER);
  EXPECT_STREQ(vlm2vec_last_error(), "index is NULL");
  std::vector<uint64_t> not_an_index(8, 0);
  EXPECT_EQ(vlm2vec_index_size(reinterpret_cast<vlm2vec_index*>(not_an_index.data()), &size),
            VLM2VEC_ERR_BAD_HANDLE);
  vlm2vec_index_free(nullptr);  // ignored
  vlm2vec_index* out = nullptr;
  EXPECT_EQ(vlm2vec_index_create(0, &out), VLM2VEC_ERR_INVALID_ARGUMENT);
  EXPECT_EQ(out, nullptr);
  EXPECT_STREQ(vlm2vec_last_error(), "index dimension = 0 is invalid: it must be at least 1");
}
