// C ABI: tiny random checkpoints for tests, demos and `vlm2vec init-tiny`.
#include <string>

#include "abi/guard.h"
#include "models/tiny_checkpoint.h"
#include "vlm2vec.h"

extern "C" int32_t vlm2vec_init_tiny(const char* architecture, const char* out_dir, int64_t seed, int64_t image_size) {
  return vlm2vec::abi::guarded([&] {
    vlm2vec::check_not_null(architecture, "architecture");
    vlm2vec::check_not_null(out_dir, "out_dir");
    const std::string arch = architecture;
    if (arch == "phi3_v" || arch == "phi3v") {
      vlm2vec::models::TinyPhi3VOptions options;
      options.seed = static_cast<uint64_t>(seed);
      if (image_size != 0) {
        vlm2vec::check_argument(image_size > 0 && image_size % 28 == 0,
                                "image_size = " + std::to_string(image_size) + " must be a positive multiple of 28");
        options.image_size = image_size;
      }
      vlm2vec::models::write_tiny_phi3v(out_dir, options);
      return;
    }
    if (arch == "llava_next" || arch == "llava-next") {
      vlm2vec::models::TinyLlavaNextOptions options;
      options.seed = static_cast<uint64_t>(seed);
      if (image_size != 0) {
        vlm2vec::check_argument(image_size > 0 && image_size % 14 == 0,
                                "image_size = " + std::to_string(image_size) + " must be a positive multiple of 14");
        options.image_size = image_size;
      }
      vlm2vec::models::write_tiny_llava_next(out_dir, options);
      return;
    }
    throw vlm2vec::Error(VLM2VEC_ERR_UNSUPPORTED, "init-tiny: architecture '" + arch + "' is not supported (phi3_v, llava_next)");
  });
}
