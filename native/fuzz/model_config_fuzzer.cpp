// libFuzzer target: config.json -> model. Each input becomes the config.json of a tiny
// checkpoint (Phi-3.5-V, or LLaVA-NeXT when the input mentions llava) and the model is
// loaded as the library loads it. A config that does not describe the weights must be
// refused with a vlm2vec::Error naming the model's folder, before it divides by zero or
// allocates what it declares; any other exception, a crash, an out-of-memory (libFuzzer's
// -rss_limit_mb) or a sanitizer report is a finding.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "common/error.h"
#include "fuzz_input_file.h"
#include "models/model_loader.h"
#include "narrow_models.h"

namespace {

struct TinyModels {
  std::string phi3v;
  std::string llava_next;
};

const TinyModels& tiny_models() {
  static const TinyModels models = [] {
    const std::string root = vlm2vec::fuzz::scratch_directory();
    TinyModels made{root + "/phi3v", root + "/llava_next"};
    vlm2vec::fuzz::write_narrow_phi3v(made.phi3v);
    vlm2vec::fuzz::write_narrow_llava_next(made.llava_next);
    return made;
  }();
  return models;
}

bool mentions(const uint8_t* data, size_t size, const char* word) {
  const size_t length = std::strlen(word);
  for (size_t i = 0; i + length <= size; ++i) {
    if (std::memcmp(data + i, word, length) == 0) return true;
  }
  return false;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  tiny_models();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const auto& models = tiny_models();
  const std::string& directory = mentions(data, size, "llava") ? models.llava_next : models.phi3v;
  vlm2vec::fuzz::write_input(directory + "/config.json", data, size);
  // VLM2VEC_FUZZ_VERBOSE=1 prints each input's outcome (to see why a corpus input is refused).
  static const bool verbose = std::getenv("VLM2VEC_FUZZ_VERBOSE") != nullptr;
  try {
    vlm2vec::models::load_model(directory, torch::kFloat32, torch::kCPU);
    if (verbose) std::fprintf(stderr, "loaded\n");
  } catch (const vlm2vec::Error& e) {
    if (verbose) std::fprintf(stderr, "refused: %s\n", e.what());
    vlm2vec::fuzz::require(std::string(e.what()).find(directory) != std::string::npos,
                           std::string("the error does not name the model folder: ") + e.what());
  }
  return 0;
}
