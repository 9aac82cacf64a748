// Writes small random LLaVA-NeXT checkpoints in the real llava-hf layout (see
// models/phi3v/tiny_phi3v.h for what "tiny" keeps of the real files).
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "models/tiny/tiny_weights.h"

namespace vlm2vec::models {

struct TinyLlavaNextOptions {
  uint64_t seed = 0;
  int64_t image_size = 56;  // tile side; the pinpoints are the real ones scaled by image_size / 336
  int64_t patch_size = 14;
  int64_t clip_hidden = 32;
  int64_t clip_layers = 2;
  int64_t clip_heads = 4;
  int64_t clip_intermediate = 64;
  int64_t hidden = 64;
  int64_t layers = 2;
  int64_t heads = 4;
  int64_t kv_heads = 2;  // grouped-query attention, as in Mistral-7B
  int64_t intermediate = 128;
  int64_t vocab = 512;
  bool new_names = false;  // transformers >= 4.52 tensor names
};

// A tiny LLaVA-NeXT with a Mistral decoder in the llava-hf layout, stored in fp32 (the
// real llava-hf files are fp16; the loader converts either).
void write_tiny_llava_next(const std::string& directory, const TinyLlavaNextOptions& options);

// The tensors of a checkpoint of these sizes and names (the seed plays no part).
std::map<std::string, tiny::TensorSpec> llava_next_tensors(const TinyLlavaNextOptions& sizes);

// tokenizer.json (<image> and <pad> at the given ids: 32000 and 32001 in llava-hf Mistral) and
// tokenizer_config.json.
void write_llava_next_tokenizer(const std::string& directory, int64_t vocab, int64_t image_token, int64_t pad_token);

}  // namespace vlm2vec::models
