// Writes small random Phi-3.5-V checkpoints in the real Hugging Face layout (config.json with every
// field of the real config, model.safetensors with the real tensor names in bf16, a BPE
// tokenizer.json with byte fallback and the real special tokens, tokenizer_config.json,
// preprocessor_config.json)
// so that every code path of a real model runs in milliseconds. The same seed gives the
// same bytes on every machine: the random numbers come from a fully specified generator,
// not from libtorch's.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "models/tiny/tiny_weights.h"

namespace vlm2vec::models {

struct TinyPhi3VOptions {
  uint64_t seed = 0;
  int64_t image_size = 56;  // CLIP crop side; 336 is the real one
  int64_t patch_size = 14;
  int64_t clip_hidden = 32;
  int64_t clip_layers = 2;
  int64_t clip_heads = 4;
  int64_t clip_intermediate = 64;
  int64_t hidden = 64;
  int64_t layers = 2;
  int64_t heads = 4;
  int64_t kv_heads = 4;
  int64_t intermediate = 128;
  int64_t vocab = 512;
  int64_t num_crops = 4;
};

// Creates directory (and parents) and writes the files into it, each atomically.
void write_tiny_phi3v(const std::string& directory, const TinyPhi3VOptions& options);

// The tensors of a checkpoint of these sizes (the seed and num_crops play no part).
std::map<std::string, tiny::TensorSpec> phi3v_tensors(const TinyPhi3VOptions& sizes);

// tokenizer.json (Phi-3's added tokens from first_special on, 32000 in the real model) and
// tokenizer_config.json.
void write_phi3v_tokenizer(const std::string& directory, int64_t vocab, int64_t first_special);

}  // namespace vlm2vec::models
