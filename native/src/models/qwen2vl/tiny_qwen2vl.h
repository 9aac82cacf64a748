// Writes small random Qwen2-VL checkpoints in the real Hub layout (flat config.json with
// rope_scaling {"type": "mrope"} and vision_config, tied lm_head not stored as in 2B,
// model.safetensors in bf16, a byte-level BPE tokenizer.json with the real special tokens,
// tokenizer_config.json padding left, preprocessor_config.json with small pixel limits so that
// an image costs a few dozen tokens). Same seed, same bytes (see models/tiny/tiny_weights.h).
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "models/tiny/tiny_weights.h"

namespace vlm2vec::models::qwen2vl {

struct TinyQwen2VlOptions {
  uint64_t seed = 0;
  int64_t hidden = 64;
  int64_t layers = 2;
  int64_t heads = 4;
  int64_t kv_heads = 2;  // grouped-query attention, as in both real sizes
  int64_t intermediate = 128;
  int64_t vocab = 512;   // the specials sit at 500..507, as in the reference fixture's checkpoint
  int64_t vision_depth = 2;
  int64_t vision_embed = 32;
  int64_t vision_heads = 4;
  int64_t min_pixels = 28 * 28 * 4;   // 4 image tokens, VLM2Vec-V2's minimum
  int64_t max_pixels = 28 * 28 * 64;  // 64 image tokens (the real limit is 1280)
  bool tie_word_embeddings = true;    // as 2B; 7B stores an lm_head
};

void write_tiny_qwen2vl(const std::string& directory, const TinyQwen2VlOptions& options);

// The tensors of a checkpoint of these sizes (seed and pixel limits play no part).
std::map<std::string, tiny::TensorSpec> qwen2vl_tensors(const TinyQwen2VlOptions& sizes);

// tokenizer.json (the added tokens from first_special on: 151643 in the real vocabulary) and
// tokenizer_config.json.
void write_qwen2vl_tokenizer(const std::string& directory, int64_t vocab, int64_t first_special);

}  // namespace vlm2vec::models::qwen2vl
