// Writes small random LLaVA-NeXT checkpoints in the real llava-hf layout (see
// models/phi3v/tiny_phi3v.h for what "tiny" keeps of the real files).
#pragma once

#include <cstdint>
#include <string>

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

}  // namespace vlm2vec::models
