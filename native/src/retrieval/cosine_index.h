// Exact cosine-similarity search over stored embeddings: the retrieval step of MMEB
// scoring and of a serving path, done with one matrix product per query batch.
#pragma once

#include <torch/torch.h>

#include <cstdint>
#include <vector>

namespace vlm2vec::retrieval {

struct SearchResult {
  torch::Tensor scores;  // [num_queries, k] float32, best first
  torch::Tensor ids;     // [num_queries, k] int64, ties broken towards the lowest id
};

class CosineIndex {
 public:
  explicit CosineIndex(int64_t dim);

  int64_t dim() const { return dim_; }
  int64_t size() const { return size_; }

  // vectors: [count, dim] float32. Each is L2-normalised before it is stored; a vector of
  // zero norm or with a non-finite entry is rejected (naming its row) and nothing is added.
  void add(const torch::Tensor& vectors);

  // queries: [num_queries, dim] float32; 1 <= k <= size().
  SearchResult search(const torch::Tensor& queries, int64_t k) const;

 private:
  torch::Tensor normalized_rows(const torch::Tensor& rows, const char* what) const;

  int64_t dim_;
  int64_t size_ = 0;
  torch::Tensor storage_;  // [capacity, dim], rows [0, size_) are live; grows by doubling
};

}  // namespace vlm2vec::retrieval
