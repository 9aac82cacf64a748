// Ground truth: every case of the Hugging Face reference fixtures
// (shared/fixtures/hf-reference/cases/*.json: p* Phi-3.5-V, l* LLaVA-NeXT; and
// llava-next-452/cases/n*: LLaVA-NeXT on transformers 4.52's odd paddings), reproduced in
// fp32 from the stored input ids and pixel values.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>

#include "models/model_loader.h"
#include "support/fixtures.h"
#include "support/npz.h"

namespace fs = std::filesystem;
using vlm2vec::testing::fixtures_dir;

namespace {

class ReferenceCase : public ::testing::TestWithParam<std::string> {
 protected:
  // One model per checkpoint folder, loaded once for all its cases.
  static const vlm2vec::models::EmbeddingModel& model(const std::string& folder) {
    static std::map<std::string, std::unique_ptr<vlm2vec::models::EmbeddingModel>> loaded;
    auto& slot = loaded[folder];
    if (!slot) slot = vlm2vec::models::load_model((fixtures_dir() / folder).string(), torch::kFloat32, torch::kCPU);
    return *slot;
  }
};

TEST_P(ReferenceCase, ReproducesTheReference) {
  const auto the_case = vlm2vec::testing::read_case(GetParam());
  const auto& model = ReferenceCase::model(the_case["model"].get<std::string>());
  const auto batch = vlm2vec::testing::case_batch(the_case);
  const double tolerance = the_case["tolerance"].get<double>();
  const auto expected = vlm2vec::testing::matrix(the_case["expected_embedding"]);
  const auto expected_pooled = vlm2vec::testing::matrix(the_case["expected_pooled_unnormalised"]);
  const auto embedding = model.encode(batch, true);
  const auto pooled = model.encode(batch, false);
  const double embedding_error = (embedding - expected).abs().max().item<double>();
  const double pooled_error = (pooled - expected_pooled).abs().max().item<double>();
  char text[64];
  std::snprintf(text, sizeof(text), "%.2e", embedding_error);
  RecordProperty("max_abs_diff_embedding", text);
  std::snprintf(text, sizeof(text), "%.2e", pooled_error);
  RecordProperty("max_abs_diff_pooled", text);
  EXPECT_LE(embedding_error, tolerance) << GetParam();
  EXPECT_LE(pooled_error, tolerance) << GetParam();
}

std::vector<std::string> all_cases() {
  auto names = vlm2vec::testing::case_names("");
  const auto llava_452 = vlm2vec::testing::case_names("", "llava-next-452/cases");
  names.insert(names.end(), llava_452.begin(), llava_452.end());
  return names;
}

INSTANTIATE_TEST_SUITE_P(Cases, ReferenceCase, ::testing::ValuesIn(all_cases()), [](const auto& info) {
  std::string name = info.param;  // gtest names are [A-Za-z0-9_]
  for (char& c : name) c = std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
  return name;
});

// What --dtype auto's bf16 costs in accuracy: every case computed in bf16 against the fp32
// reference, as cosine similarity of the normalised embeddings (README quotes the figures).
TEST(ReferenceCasesInBf16, StayWithinCosine0999OfTheFp32Reference) {
  std::map<std::string, std::unique_ptr<vlm2vec::models::EmbeddingModel>> models;
  std::map<std::string, double> worst;  // per checkpoint folder
  for (const auto& name : all_cases()) {
    const auto the_case = vlm2vec::testing::read_case(name);
    const auto folder = the_case["model"].get<std::string>();
    auto& model = models[folder];
    if (!model) model = vlm2vec::models::load_model((fixtures_dir() / folder).string(), torch::kBFloat16, torch::kCPU);
    const auto expected = vlm2vec::testing::matrix(the_case["expected_embedding"]).to(torch::kFloat64);
    const auto embedding = model->encode(vlm2vec::testing::case_batch(the_case), true).to(torch::kFloat64);
    const double cosine = (embedding * expected).sum(1).min().item<double>();
    EXPECT_GE(cosine, 0.999) << name;
    if (!worst.count(folder) || cosine < worst[folder]) worst[folder] = cosine;
  }
  for (const auto& [folder, cosine] : worst) {
    std::fprintf(stderr, "bf16 vs the fp32 reference, %s: lowest cosine %.6f\n", folder.c_str(), cosine);
    RecordProperty("min_cosine_" + folder, std::to_string(cosine));
  }
}

}  // namespace
