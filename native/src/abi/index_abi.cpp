// C ABI: the cosine index behind an opaque handle.
#include <torch/torch.h>

#include <cstdint>
#include <string>

#include "abi/buffer_checks.h"
#include "abi/guard.h"
#include "retrieval/cosine_index.h"
#include "vlm2vec.h"

// The tag lets a handle of another kind, or one already freed and not yet reused, be
// refused with an error instead of being used as an index.
struct vlm2vec_index {
  static constexpr uint64_t kLiveTag = 0x7665632d696e6478ULL;  // "vec-indx"
  uint64_t tag = kLiveTag;
  vlm2vec::retrieval::CosineIndex impl;
  explicit vlm2vec_index(int64_t dim) : impl(dim) {}
};

namespace {

const vlm2vec::retrieval::CosineIndex& checked(const vlm2vec_index* index) {
  vlm2vec::check_not_null(index, "index");
  if (index->tag != vlm2vec_index::kLiveTag) {
    throw vlm2vec::Error(VLM2VEC_ERR_BAD_HANDLE, "index is not a live vlm2vec_index handle (freed, or of another kind)");
  }
  return index->impl;
}

torch::Tensor rows_view(const float* data, int64_t rows, int64_t dim) {
  return torch::from_blob(const_cast<float*>(data), {rows, dim}, torch::kFloat32);
}

}  // namespace

extern "C" int32_t vlm2vec_index_create(int64_t dim, vlm2vec_index** out) {
  return vlm2vec::abi::guarded([&] {
    vlm2vec::check_not_null(out, "out (vlm2vec_index**)");
    *out = nullptr;
    *out = new vlm2vec_index(dim);
  });
}

extern "C" int32_t vlm2vec_index_add(vlm2vec_index* index, const float* vectors, int64_t numel, int64_t count) {
  return vlm2vec::abi::guarded([&] {
    using namespace vlm2vec::abi;
    const int64_t dim = checked(index).dim();
    check_dimension("count", count, 0);
    check_buffer("vectors", vectors, numel, checked_product({count, dim}), "count * dim");
    if (count > 0) index->impl.add(rows_view(vectors, count, dim));
  });
}

extern "C" int32_t vlm2vec_index_size(const vlm2vec_index* index, int64_t* out_size) {
  return vlm2vec::abi::guarded([&] {
    vlm2vec::check_not_null(out_size, "out_size");
    *out_size = checked(index).size();
  });
}

extern "C" int32_t vlm2vec_index_search(const vlm2vec_index* index, const float* queries, int64_t numel,
                                        int64_t num_queries, int64_t k, float* out_scores, int64_t* out_ids,
                                        int64_t out_numel) {
  return vlm2vec::abi::guarded([&] {
    using namespace vlm2vec::abi;
    const auto& impl = checked(index);
    check_dimension("num_queries", num_queries, 0);
    check_dimension("k", k, 1);
    check_buffer("queries", queries, numel, checked_product({num_queries, impl.dim()}), "num_queries * dim");
    const int64_t expected_out = checked_product({num_queries, k});
    check_buffer("out_scores", out_scores, out_numel, expected_out, "num_queries * k");
    check_buffer("out_ids", out_ids, out_numel, expected_out, "num_queries * k");
    if (num_queries == 0) {
      vlm2vec::check_argument(k <= impl.size(), "k = " + std::to_string(k) + " exceeds the index size " +
                                                    std::to_string(impl.size()));
      return;
    }
    const auto result = impl.search(rows_view(queries, num_queries, impl.dim()), k);
    torch::from_blob(out_scores, {num_queries, k}, torch::kFloat32).copy_(result.scores);
    torch::from_blob(out_ids, {num_queries, k}, torch::kLong).copy_(result.ids);
  });
}

extern "C" void vlm2vec_index_free(vlm2vec_index* index) {
  if (index == nullptr || index->tag != vlm2vec_index::kLiveTag) return;
  index->tag = 0;
  delete index;
}
