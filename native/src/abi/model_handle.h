// The model handle behind the C ABI's vlm2vec_model, shared by the model and training entry
// points, with the view of a vlm2vec_batch as an EncodeBatch (no copies).
#pragma once

#include <cstdint>
#include <memory>

#include "models/embedding_model.h"
#include "vlm2vec.h"

struct vlm2vec_model {
  static constexpr uint64_t kLiveTag = 0x7665632d6d6f646cULL;  // "vec-modl"
  uint64_t tag = kLiveTag;
  std::unique_ptr<vlm2vec::models::EmbeddingModel> impl;
};

namespace vlm2vec::abi {

// The model of a live handle; throws BAD_HANDLE for NULL, freed or foreign pointers.
models::EmbeddingModel& checked_model(vlm2vec_model* model);

// Tensors over the caller's buffers, after checking every size and pointer.
models::EncodeBatch batch_view(const vlm2vec_batch& batch);

}  // namespace vlm2vec::abi
