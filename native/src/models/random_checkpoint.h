// Random checkpoints at any size, real ones included (`vlm2vec init-random`): for the config.json
// of a directory, the weights with exactly the tensor names and shapes its backbone stores
// (Backbone::tensors), drawn at the scales of the tiny checkpoints, written in shards of at most
// shard_bytes the way Hugging Face's save_pretrained does (model.safetensors when one shard is
// enough, else model-0000k-of-0000n.safetensors and model.safetensors.index.json). One tensor is
// in memory at a time, so a 15 GB checkpoint is written with a few hundred MB. Each shard is
// written atomically and the index last; the caller stages the directory (the CLI renames it into
// place when write_next() has returned the last tensor).
#pragma once

#include <torch/torch.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "io/safetensors.h"
#include "models/tiny/tiny_weights.h"

namespace vlm2vec::models {

struct RandomCheckpointOptions {
  torch::ScalarType dtype = torch::kBFloat16;
  uint64_t shard_bytes = 4000000000ULL;  // "4GB" as save_pretrained counts it
  uint64_t seed = 0;
};

class RandomCheckpointWriter {
 public:
  // Reads directory/config.json (as the loader does) and plans the shards; writes nothing yet.
  RandomCheckpointWriter(const std::string& directory, const RandomCheckpointOptions& options);
  ~RandomCheckpointWriter();

  int64_t parameter_count() const { return parameter_count_; }
  uint64_t total_bytes() const { return total_bytes_; }
  uint64_t written_bytes() const { return written_bytes_; }
  size_t tensor_count() const { return tensors_.size(); }
  size_t shard_count() const { return shard_names_.size(); }
  bool done() const { return next_ == tensors_.size(); }

  // Draws and writes the next tensor; after the last one, commits its shard and writes the index
  // (and a tokenizer fitting the config when the directory has no tokenizer.json).
  void write_next();

 private:
  struct Planned {
    io::TensorHeader header;
    tiny::Init init;
    size_t shard;
  };

  std::string directory_;
  RandomCheckpointOptions options_;
  std::string model_type_;
  std::vector<Planned> tensors_;
  std::vector<std::string> shard_names_;
  std::unique_ptr<io::SafetensorsWriter> shard_;
  size_t next_ = 0;
  int64_t parameter_count_ = 0;
  uint64_t total_bytes_ = 0;
  uint64_t written_bytes_ = 0;
};

// "model.layers.10.x" after "model.layers.9.x": names compared with digit runs as numbers, the
// order a model's modules (and so save_pretrained's shards) list them.
bool natural_less(const std::string& a, const std::string& b);

}  // namespace vlm2vec::models
