#include "narrow_models.h"

#include "models/tiny_checkpoint.h"

namespace vlm2vec::fuzz {

void write_narrow_phi3v(const std::string& directory) {
  models::TinyPhi3VOptions options;
  options.image_size = 28;
  options.clip_hidden = 16;
  options.clip_layers = 1;
  options.clip_heads = 2;
  options.clip_intermediate = 32;
  options.hidden = 32;
  options.layers = 1;
  options.heads = 2;
  options.kv_heads = 2;
  options.intermediate = 64;
  options.vocab = 320;  // the tiny tokenizer needs 312 ids
  models::write_tiny_phi3v(directory, options);
}

void write_narrow_llava_next(const std::string& directory) {
  models::TinyLlavaNextOptions options;
  options.image_size = 28;
  options.clip_hidden = 16;
  options.clip_layers = 1;
  options.clip_heads = 2;
  options.clip_intermediate = 32;
  options.hidden = 32;
  options.layers = 1;
  options.heads = 2;
  options.kv_heads = 1;
  options.intermediate = 64;
  options.vocab = 320;  // the tiny tokenizer needs 312 ids
  models::write_tiny_llava_next(directory, options);
}

}  // namespace vlm2vec::fuzz
