// C ABI: random checkpoints at any size (vlm2vec_random_checkpoint, `vlm2vec init-random`).
#include <memory>

#include "abi/dtypes.h"
#include "abi/guard.h"
#include "models/random_checkpoint.h"
#include "vlm2vec.h"

struct vlm2vec_random_checkpoint {
  static constexpr uint64_t kLiveTag = 0x7665632d72616e64ULL;  // "vec-rand"
  uint64_t tag = kLiveTag;
  std::unique_ptr<vlm2vec::models::RandomCheckpointWriter> impl;
};

namespace {

vlm2vec::models::RandomCheckpointWriter& checked(const vlm2vec_random_checkpoint* writer) {
  vlm2vec::check_not_null(writer, "writer");
  if (writer->tag != vlm2vec_random_checkpoint::kLiveTag) {
    throw vlm2vec::Error(VLM2VEC_ERR_BAD_HANDLE, "writer is not a live vlm2vec_random_checkpoint handle (freed, or of another kind)");
  }
  return *writer->impl;
}

}  // namespace

extern "C" int32_t vlm2vec_random_checkpoint_open(const char* directory, int32_t dtype, int64_t shard_bytes, int64_t seed,
                                                  vlm2vec_random_checkpoint** out) {
  return vlm2vec::abi::guarded([&] {
    vlm2vec::check_not_null(out, "out (vlm2vec_random_checkpoint**)");
    *out = nullptr;
    vlm2vec::check_not_null(directory, "directory");
    vlm2vec::check_argument(shard_bytes > 0, "shard_bytes must be positive, got " + std::to_string(shard_bytes));
    vlm2vec::models::RandomCheckpointOptions options;
    options.dtype = vlm2vec::abi::scalar_type(dtype);
    options.shard_bytes = static_cast<uint64_t>(shard_bytes);
    options.seed = static_cast<uint64_t>(seed);
    auto handle = std::make_unique<vlm2vec_random_checkpoint>();
    handle->impl = std::make_unique<vlm2vec::models::RandomCheckpointWriter>(directory, options);
    *out = handle.release();
  });
}

extern "C" int32_t vlm2vec_random_checkpoint_info_get(const vlm2vec_random_checkpoint* writer,
                                                      vlm2vec_random_checkpoint_info* out) {
  return vlm2vec::abi::guarded([&] {
    const auto& w = checked(writer);
    vlm2vec::check_not_null(out, "out (vlm2vec_random_checkpoint_info*)");
    out->parameters = w.parameter_count();
    out->total_bytes = static_cast<int64_t>(w.total_bytes());
    out->written_bytes = static_cast<int64_t>(w.written_bytes());
    out->tensors = static_cast<int64_t>(w.tensor_count());
    out->shards = static_cast<int64_t>(w.shard_count());
    out->done = w.done() ? 1 : 0;
  });
}

extern "C" int32_t vlm2vec_random_checkpoint_write_next(vlm2vec_random_checkpoint* writer) {
  return vlm2vec::abi::guarded([&] { checked(writer).write_next(); });
}

extern "C" void vlm2vec_random_checkpoint_free(vlm2vec_random_checkpoint* writer) {
  if (writer == nullptr || writer->tag != vlm2vec_random_checkpoint::kLiveTag) return;
  writer->tag = 0;
  delete writer;
}
