// Access to the Hugging Face reference fixtures (shared/fixtures/hf-reference beside the
// repository, or $VLM2VEC_FIXTURES): case files and the batches they describe.
#pragma once

#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include <filesystem>
#include <string>
#include <vector>

#include "models/embedding_model.h"

namespace vlm2vec::testing {

std::filesystem::path fixtures_dir();

// Case names starting with prefix, sorted: the file stems of cases/, or, for another case
// folder (e.g. "llava-next-452/cases"), "folder/stem".
std::vector<std::string> case_names(const std::string& prefix, const std::string& folder = "cases");

// A case by its name as case_names gives it.
nlohmann::json read_case(const std::string& name);

// input_ids, attention_mask, and the pixel values and image sizes of the image examples in
// batch order (stacked; zero-padded along the crop axis to the largest count).
models::EncodeBatch case_batch(const nlohmann::json& the_case);

// A JSON list of lists of numbers as a float32 [rows, cols] tensor.
torch::Tensor matrix(const nlohmann::json& rows);

}  // namespace vlm2vec::testing
