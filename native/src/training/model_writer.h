// Writes a loaded model back as a model directory in the Hugging Face layout, with the current
// values of its weights (after training or merging adapters): every tensor of the source
// checkpoint, the model's own ones replaced by their current values in the dtype the model
// holds them (load in bf16 to write bf16; fp32 keeps trained weights exact), the others as
// stored, into model.safetensors or, past max_shard_bytes, shards model-0000i-of-0000N.safetensors
// with model.safetensors.index.json (Hugging Face's layout; 5 GB as save_pretrained); every other file of the source directory (config.json, tokenizer and
// processor files) copied. Built beside out_dir and renamed into place, so a reader never sees
// a half-written directory and an existing one is replaced only once the new one is complete.
#pragma once

#include <cstdint>
#include <string>

#include "models/embedding_model.h"

namespace vlm2vec::training {

constexpr uint64_t kDefaultShardBytes = 5'000'000'000ull;

void save_model_directory(const models::EmbeddingModel& model, const std::string& out_dir,
                          uint64_t max_shard_bytes = kDefaultShardBytes);

}  // namespace vlm2vec::training
