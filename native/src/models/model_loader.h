// Opens a model directory: the architecture comes from config.json's model_type, the
// weights from its safetensors files, in the dtype and on the device the caller asks for.
#pragma once

#include <torch/torch.h>

#include <memory>
#include <string>

#include "models/embedding_model.h"

namespace vlm2vec::models {

std::unique_ptr<EmbeddingModel> load_model(const std::string& directory, torch::ScalarType dtype, torch::Device device);

}  // namespace vlm2vec::models
