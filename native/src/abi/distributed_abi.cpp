// C ABI: data-parallel process groups (vlm2vec_dist) and attaching them to trainers.
#include <memory>
#include <string>
#include <vector>

#include "abi/buffer_checks.h"
#include "abi/guard.h"
#include "abi/training_handle.h"
#include "distributed/process_group.h"
#include "vlm2vec.h"

struct vlm2vec_dist {
  static constexpr uint64_t kLiveTag = 0x7665632d64697374ULL;  // "vec-dist"
  uint64_t tag = kLiveTag;
  std::shared_ptr<vlm2vec::distributed::ProcessGroup> impl;
};

namespace {

using vlm2vec::Error;

vlm2vec::distributed::ProcessGroup& checked(vlm2vec_dist* dist) {
  vlm2vec::check_not_null(dist, "dist");
  if (dist->tag != vlm2vec_dist::kLiveTag) {
    throw Error(VLM2VEC_ERR_BAD_HANDLE, "dist is not a live vlm2vec_dist handle (freed, or of another kind)");
  }
  return *dist->impl;
}

std::string or_default(const char* text, const char* fallback) { return text == nullptr ? fallback : text; }

}  // namespace

extern "C" int32_t vlm2vec_dist_create(const vlm2vec_dist_options* options, vlm2vec_dist** out) {
  return vlm2vec::abi::guarded([&] {
    vlm2vec::check_not_null(out, "out (vlm2vec_dist**)");
    *out = nullptr;
    vlm2vec::check_not_null(options, "options");
    vlm2vec::distributed::GroupOptions o;
    o.rank = options->rank;
    o.world_size = options->world_size;
    o.master_addr = or_default(options->master_addr, "127.0.0.1");
    o.master_port = options->master_port;
    o.backend = or_default(options->backend, "gloo");
    o.name = or_default(options->name, "vlm2vec");
    o.device = torch::Device(or_default(options->device, "cpu"));
    o.timeout = std::chrono::milliseconds(options->timeout_ms);
    auto handle = std::make_unique<vlm2vec_dist>();
    handle->impl = std::make_shared<vlm2vec::distributed::ProcessGroup>(o);
    *out = handle.release();
  });
}

extern "C" int32_t vlm2vec_dist_barrier(vlm2vec_dist* dist, const char* what) {
  return vlm2vec::abi::guarded([&] { checked(dist).barrier(or_default(what, "barrier")); });
}

extern "C" int32_t vlm2vec_dist_max(vlm2vec_dist* dist, int64_t value, int64_t* out) {
  return vlm2vec::abi::guarded([&] {
    auto& group = checked(dist);
    vlm2vec::check_not_null(out, "out");
    *out = group.max(value, "agreeing on a stop request");
  });
}

extern "C" int32_t vlm2vec_dist_all_gather_counts(vlm2vec_dist* dist, int64_t rows, int64_t* counts,
                                                  int64_t counts_length) {
  return vlm2vec::abi::guarded([&] {
    auto& group = checked(dist);
    vlm2vec::check_argument(rows >= 0, "rows must be >= 0, got " + std::to_string(rows));
    vlm2vec::check_not_null(counts, "counts");
    vlm2vec::check_argument(counts_length == group.world_size(), "counts holds " + std::to_string(counts_length) +
                                                                      " elements, the world size is " +
                                                                      std::to_string(group.world_size()));
    std::vector<int64_t> gathered;
    group.all_gather_rows(torch::empty({rows, 0}), "all-gather of row counts", &gathered);
    std::copy(gathered.begin(), gathered.end(), counts);
  });
}

extern "C" int32_t vlm2vec_dist_all_gather_f32(vlm2vec_dist* dist, const float* rows, int64_t num_rows, int64_t dim,
                                               float* out, int64_t out_numel) {
  return vlm2vec::abi::guarded([&] {
    auto& group = checked(dist);
    vlm2vec::check_argument(num_rows >= 0 && dim >= 1, "need rows >= 0 and dim >= 1, got " + std::to_string(num_rows) +
                                                            " x " + std::to_string(dim));
    if (num_rows > 0) vlm2vec::check_not_null(rows, "rows");
    vlm2vec::check_not_null(out, "out");
    const auto local = num_rows == 0 ? torch::empty({0, dim})
                                     : torch::from_blob(const_cast<float*>(rows), {num_rows, dim}, torch::kFloat32);
    const auto all = group.all_gather_rows(local.to(group.options().device), "all-gather of embeddings").cpu();
    vlm2vec::check_argument(all.numel() == out_numel, "out holds " + std::to_string(out_numel) +
                                                          " floats, the gathered rows need " +
                                                          std::to_string(all.numel()));
    std::memcpy(out, all.contiguous().data_ptr<float>(), static_cast<size_t>(out_numel) * sizeof(float));
  });
}

extern "C" void vlm2vec_dist_free(vlm2vec_dist* dist) {
  if (dist == nullptr || dist->tag != vlm2vec_dist::kLiveTag) return;
  dist->tag = 0;
  delete dist;
}

extern "C" int32_t vlm2vec_trainer_attach_dist(vlm2vec_trainer* trainer, vlm2vec_dist* dist) {
  return vlm2vec::abi::guarded([&] {
    auto& impl = vlm2vec::abi::checked_trainer(trainer);
    checked(dist);
    impl.attach_group(dist->impl);
  });
}
