// What the tiny checkpoint writers of every backbone share: tensors described by shape and
// initialisation kind, drawn from one fully specified generator (the same seed gives the same
// bytes on every machine) at the scales the reference fixtures use, written as safetensors.
#pragma once

#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "models/tiny/seeded_normal.h"

namespace vlm2vec::models::tiny {

enum class Init { kNormWeight, kBias, kEmbedding, kMatrix };

struct TensorSpec {
  std::vector<int64_t> shape;
  Init init;
};

torch::Tensor initial_value(SeededNormal& random, const TensorSpec& spec);

// Draws every tensor in name order and writes them to file in dtype.
void write_weights(const std::filesystem::path& file, const std::map<std::string, TensorSpec>& specs, SeededNormal& random,
                   torch::ScalarType dtype);

// CLIP ViT tensors under prefix c (Phi-3.5-V's image processor and LLaVA-NeXT's vision tower).
void add_clip_tensors(std::map<std::string, TensorSpec>& t, const std::string& c, int64_t hidden, int64_t layers,
                      int64_t intermediate, int64_t image_size, int64_t patch_size);

// init-tiny's image_size argument: 0 keeps the writer's default; else a positive multiple of
// multiple (the patch geometry), or an argument error naming both.
void check_image_size(int64_t image_size, int64_t multiple);

// tokenizer_config.json of a Llama-style (SentencePiece BPE) tokenizer.
nlohmann::ordered_json llama_tokenizer_config(const std::string& eos, const std::string& pad);

}  // namespace vlm2vec::models::tiny
