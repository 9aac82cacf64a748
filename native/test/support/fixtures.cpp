#include "support/fixtures.h"

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <stdexcept>

#include "support/npz.h"

namespace vlm2vec::testing {

std::filesystem::path fixtures_dir() {
  if (const char* override_dir = std::getenv("VLM2VEC_FIXTURES")) return override_dir;
  const std::filesystem::path dir = VLM2VEC_DEFAULT_FIXTURES_DIR;
  if (!std::filesystem::exists(dir / "cases")) {
    throw std::runtime_error("reference fixtures not found at " + dir.string() + " (set VLM2VEC_FIXTURES)");
  }
  return dir;
}

std::vector<std::string> case_names(const std::string& prefix, const std::string& folder) {
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(fixtures_dir() / folder)) {
    const auto stem = entry.path().stem().string();
    if (entry.path().extension() == ".json" && stem.rfind(prefix, 0) == 0) {
      names.push_back(folder == "cases" ? stem : folder + "/" + stem);
    }
  }
  std::sort(names.begin(), names.end());
  return names;
}

nlohmann::json read_case(const std::string& name) {
  const auto relative = name.find('/') == std::string::npos ? "cases/" + name : name;
  std::ifstream in(fixtures_dir() / (relative + ".json"));
  if (!in) throw std::runtime_error("cannot read case " + name);
  return nlohmann::json::parse(in);
}

torch::Tensor matrix(const nlohmann::json& rows) {
  std::vector<torch::Tensor> result;
  for (const auto& row : rows) {
    const auto values = row.get<std::vector<double>>();
    result.push_back(torch::tensor(values, torch::kFloat64).to(torch::kFloat32));
  }
  return torch::stack(result);
}

models::EncodeBatch case_batch(const nlohmann::json& the_case) {
  models::EncodeBatch batch;
  std::vector<torch::Tensor> ids, mask;
  for (const auto& row : the_case["input_ids"]) ids.push_back(torch::tensor(row.get<std::vector<int64_t>>(), torch::kLong));
  for (const auto& row : the_case["attention_mask"]) mask.push_back(torch::tensor(row.get<std::vector<int64_t>>(), torch::kLong));
  batch.input_ids = torch::stack(ids);
  batch.attention_mask = torch::stack(mask);
  std::vector<torch::Tensor> pixels, sizes;
  int64_t max_crops = 0;
  for (size_t i = 0; i < the_case["pixel_values"].size(); ++i) {
    const auto& file = the_case["pixel_values"][i];
    if (file.is_null()) continue;
    auto values = read_npz((fixtures_dir() / file.get<std::string>()).string()).at("pixel_values");
    max_crops = std::max(max_crops, values.size(0));
    pixels.push_back(values);
    sizes.push_back(torch::tensor(the_case["image_sizes"][i].get<std::vector<int64_t>>(), torch::kLong));
  }
  if (!pixels.empty()) {
    for (auto& p : pixels) {
      if (p.size(0) < max_crops) p = torch::cat({p, torch::zeros({max_crops - p.size(0), p.size(1), p.size(2), p.size(3)})});
    }
    batch.pixel_values = torch::stack(pixels);
    batch.image_sizes = torch::stack(sizes);
  }
  return batch;
}

}  // namespace vlm2vec::testing
