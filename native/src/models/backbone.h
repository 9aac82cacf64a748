// One backbone as the rest of the library sees it: how to build it from a checkpoint, how to
// write a tiny one, which layers LoRA adapts by default. Each backbone folder (phi3v/,
// llava_next/, qwen2vl/) defines one in its backbone.cpp; backbones.cpp lists them. The loader,
// init-tiny and the trainer look a backbone up here and never switch on the architecture.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "io/checkpoint.h"
#include "models/embedding_model.h"
#include "models/tiny/tiny_weights.h"

namespace vlm2vec::models {

struct Backbone {
  std::string model_type;          // config.json model_type, e.g. "qwen2_vl"
  std::vector<std::string> names;  // other names init-tiny accepts, e.g. "qwen2vl"
  // Builds the model over an open checkpoint of directory (whose config.json it reads).
  std::function<std::unique_ptr<EmbeddingModel>(const std::string& directory, io::Checkpoint& checkpoint)> load;
  // Writes a tiny random checkpoint; image_size 0 is the backbone's default.
  std::function<void(const std::string& directory, uint64_t seed, int64_t image_size)> write_tiny;
  // The tensors a checkpoint with the config.json of directory stores, named and shaped as in the
  // real files, with how to draw them (init-random writes these; the config is read as load reads it).
  std::function<std::map<std::string, tiny::TensorSpec>(const std::string& directory)> tensors;
  // Writes tokenizer.json and tokenizer_config.json into directory to fit its config.json's
  // vocabulary size and special token ids (a small learned BPE; the real one cannot be generated).
  std::function<void(const std::string& directory)> write_tokenizer;
  // The module name suffixes VLM2Vec's default --lora_target_modules match in this backbone.
  std::vector<std::string> lora_targets;
};

const std::vector<Backbone>& backbones();

// The backbone with this model_type or name; UNSUPPORTED naming the known ones otherwise.
// where says who asked (a config path, "init-tiny").
const Backbone& find_backbone(const std::string& name, const std::string& where);

// Defined in each backbone's folder.
Backbone phi3v_backbone();
Backbone llava_next_backbone();
Backbone qwen2vl_backbone();

}  // namespace vlm2vec::models
