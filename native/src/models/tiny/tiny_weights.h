// What the tiny checkpoint writers of every backbone share: tensors described by shape and
// initialisation kind, drawn from one fully specified generator (the same seed gives the same
// bytes on every machine) at the scales the reference fixtures use, written as safetensors.
#pragma once

#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include <filesystem>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "models/layers/clip_vision.h"
#include "models/layers/decoder.h"
#include "models/tiny/seeded_normal.h"

namespace vlm2vec::models::tiny {

enum class Init { kNormWeight, kBias, kEmbedding, kMatrix };

struct TensorSpec {
  std::vector<int64_t> shape;
  Init init;
};

// The normal distribution (mean, std) a tensor of spec is drawn from, the reference fixtures'
// scales: activations of order one at any width, softmaxes unsaturated.
std::pair<double, double> initial_distribution(const TensorSpec& spec);

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

// The sizes the CLIP-tower writers' options share (Phi-3.5-V's, LLaVA-NeXT's), from the configs the
// loader read: init-random turns a real config into the tiny writer's tensor list this way.
template <class Options>
void copy_sizes(Options& o, const DecoderConfig& text, const ClipVisionConfig& vision) {
  o.vocab = text.vocab_size;
  o.hidden = text.hidden_size;
  o.layers = text.num_layers;
  o.heads = text.num_heads;
  o.kv_heads = text.num_kv_heads;
  o.intermediate = text.intermediate_size;
  o.image_size = vision.image_size;
  o.patch_size = vision.patch_size;
  o.clip_hidden = vision.hidden_size;
  o.clip_layers = vision.num_layers;
  o.clip_heads = vision.num_heads;
  o.clip_intermediate = vision.intermediate_size;
}

// tokenizer_config.json of a Llama-style (SentencePiece BPE) tokenizer.
nlohmann::ordered_json llama_tokenizer_config(const std::string& eos, const std::string& pad);

}  // namespace vlm2vec::models::tiny
