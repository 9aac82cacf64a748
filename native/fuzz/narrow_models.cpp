#include "narrow_models.h"

#include "models/phi3v/tiny_phi3v.h"
#include "models/llava_next/tiny_llava_next.h"

namespace vlm2vec::fuzz {
namespace {

// The two option structs share these fields; both models get the same narrow sizes.
template <class Options>
Options narrow(Options options, int64_t kv_heads) {
  options.image_size = 28;
  options.clip_hidden = 16;
  options.clip_layers = 1;
  options.clip_heads = 2;
  options.clip_intermediate = 32;
  options.hidden = 32;
  options.layers = 1;
  options.heads = 2;
  options.kv_heads = kv_heads;
  options.intermediate = 64;
  options.vocab = 320;  // the tiny tokenizer needs 312 ids
  return options;
}

}  // namespace

void write_narrow_phi3v(const std::string& directory) {
  models::write_tiny_phi3v(directory, narrow(models::TinyPhi3VOptions{}, 2));
}

void write_narrow_llava_next(const std::string& directory) {
  // One key-value head for two query heads: grouped-query attention, as in Mistral.
  models::write_tiny_llava_next(directory, narrow(models::TinyLlavaNextOptions{}, 1));
}

}  // namespace vlm2vec::fuzz
