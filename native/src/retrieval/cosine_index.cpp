#include "retrieval/cosine_index.h"

#include <ATen/Parallel.h>

#include <algorithm>
#include <numeric>
#include <string>

#include "common/error.h"

namespace vlm2vec::retrieval {

CosineIndex::CosineIndex(int64_t dim) : dim_(dim) {
  check_argument(dim >= 1, "index dimension = " + std::to_string(dim) + " is invalid: it must be at least 1");
  storage_ = torch::empty({0, dim_}, torch::kFloat32);
}

torch::Tensor CosineIndex::normalized_rows(const torch::Tensor& rows, const char* what) const {
  check_argument(rows.dim() == 2 && rows.size(1) == dim_,
                 std::string(what) + " must be [n, " + std::to_string(dim_) + "]");
  const auto finite = torch::isfinite(rows).all(1);
  const auto norms = rows.norm(2, 1);
  for (int64_t row = 0; row < rows.size(0); ++row) {
    check_argument(finite[row].item<bool>(), std::string(what) + " row " + std::to_string(row) +
                                                 " contains NaN or infinity");
    check_argument(norms[row].item<float>() > 0.0f, std::string(what) + " row " + std::to_string(row) +
                                                        " has zero norm and cannot be normalised");
  }
  return rows / norms.unsqueeze(1);
}

void CosineIndex::add(const torch::Tensor& vectors) {
  const auto normalized = normalized_rows(vectors, "vectors");
  const int64_t count = normalized.size(0);
  if (size_ + count > storage_.size(0)) {
    const int64_t capacity = std::max<int64_t>({size_ + count, 2 * storage_.size(0), 64});
    auto grown = torch::empty({capacity, dim_}, torch::kFloat32);
    grown.narrow(0, 0, size_).copy_(storage_.narrow(0, 0, size_));
    storage_ = grown;
  }
  storage_.narrow(0, size_, count).copy_(normalized);
  size_ += count;
}

SearchResult CosineIndex::search(const torch::Tensor& queries, int64_t k) const {
  check_argument(k >= 1 && k <= size_, "k = " + std::to_string(k) + " is out of range: it must be in [1, index size = " +
                                           std::to_string(size_) + "]");
  const auto scores = normalized_rows(queries, "queries").mm(storage_.narrow(0, 0, size_).t()).contiguous();
  const int64_t num_queries = scores.size(0);
  SearchResult result{torch::empty({num_queries, k}, torch::kFloat32), torch::empty({num_queries, k}, torch::kLong)};
  const float* all_scores = scores.data_ptr<float>();
  float* best_scores = result.scores.data_ptr<float>();
  int64_t* best_ids = result.ids.data_ptr<int64_t>();
  // A partial sort with an explicit tie rule, rather than topk, whose order among equal
  // scores is unspecified: MMEB counts a tie as a miss unless the positive comes first.
  at::parallel_for(0, num_queries, 1, [&](int64_t begin, int64_t end) {
    std::vector<int64_t> order(static_cast<size_t>(size_));
    for (int64_t q = begin; q < end; ++q) {
      const float* row = all_scores + q * size_;
      std::iota(order.begin(), order.end(), 0);
      std::partial_sort(order.begin(), order.begin() + k, order.end(), [row](int64_t a, int64_t b) {
        return row[a] > row[b] || (row[a] == row[b] && a < b);
      });
      for (int64_t i = 0; i < k; ++i) {
        best_ids[q * k + i] = order[static_cast<size_t>(i)];
        best_scores[q * k + i] = row[order[static_cast<size_t>(i)]];
      }
    }
  });
  return result;
}

}  // namespace vlm2vec::retrieval
