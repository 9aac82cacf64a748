// Ground truth: every Phi-3.5-V case of the Hugging Face reference fixtures
// (shared/fixtures/hf-reference/cases/p*.json), reproduced from the stored inputs.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "models/model_loader.h"
#include "support/fixtures.h"
#include "support/npz.h"

namespace fs = std::filesystem;
using vlm2vec::testing::fixtures_dir;

namespace {

class Phi3VFixture : public ::testing::TestWithParam<std::string> {
 protected:
  static std::unique_ptr<vlm2vec::models::EmbeddingModel>& model() {
    static std::unique_ptr<vlm2vec::models::EmbeddingModel> loaded =
        vlm2vec::models::load_model((fixtures_dir() / "phi3v-tiny").string(), torch::kFloat32, torch::kCPU);
    return loaded;
  }
};

TEST_P(Phi3VFixture, ReproducesTheReference) {
  const auto the_case = vlm2vec::testing::read_case(GetParam());
  const auto batch = vlm2vec::testing::case_batch(the_case);
  const double tolerance = the_case["tolerance"].get<double>();
  const auto expected = vlm2vec::testing::matrix(the_case["expected_embedding"]);
  const auto expected_pooled = vlm2vec::testing::matrix(the_case["expected_pooled_unnormalised"]);
  const auto embedding = model()->encode(batch, true);
  const auto pooled = model()->encode(batch, false);
  const double embedding_error = (embedding - expected).abs().max().item<double>();
  const double pooled_error = (pooled - expected_pooled).abs().max().item<double>();
  RecordProperty("max_abs_diff_embedding", std::to_string(embedding_error));
  RecordProperty("max_abs_diff_pooled", std::to_string(pooled_error));
  EXPECT_LE(embedding_error, tolerance) << GetParam();
  EXPECT_LE(pooled_error, tolerance) << GetParam();
}

INSTANTIATE_TEST_SUITE_P(Cases, Phi3VFixture,
                         ::testing::ValuesIn(vlm2vec::testing::case_names("p")),
                         [](const auto& info) { return info.param; });

}  // namespace
