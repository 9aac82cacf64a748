// C ABI: tiny random checkpoints for tests, demos and `vlm2vec init-tiny`.
#include <string>

#include "abi/guard.h"
#include "models/backbone.h"
#include "vlm2vec.h"

extern "C" int32_t vlm2vec_init_tiny(const char* architecture, const char* out_dir, int64_t seed, int64_t image_size) {
  return vlm2vec::abi::guarded([&] {
    vlm2vec::check_not_null(architecture, "architecture");
    vlm2vec::check_not_null(out_dir, "out_dir");
    vlm2vec::models::find_backbone(architecture, "init-tiny").write_tiny(out_dir, static_cast<uint64_t>(seed), image_size);
  });
}
