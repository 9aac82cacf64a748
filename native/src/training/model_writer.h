// Writes a loaded model back as a model directory in the Hugging Face layout, with the current
// values of its weights (after training or merging adapters): every tensor of the source
// checkpoint, the model's own ones replaced by their current values in the dtype the model
// holds them (load in bf16 to write bf16; fp32 keeps trained weights exact), the others as
// stored, into one model.safetensors; every other file of the source directory (config.json, tokenizer and
// processor files) copied. Built beside out_dir and renamed into place, so a reader never sees
// a half-written directory and an existing one is replaced only once the new one is complete.
#pragma once

#include <string>

#include "models/embedding_model.h"

namespace vlm2vec::training {

void save_model_directory(const models::EmbeddingModel& model, const std::string& out_dir);

}  // namespace vlm2vec::training
