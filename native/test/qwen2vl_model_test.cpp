// Qwen2-VL embeddings against all 18 reference cases (shared/fixtures/hf-reference-qwen2vl/cases):
// text, VLM2Vec-V2 prompts (1-D positions), Qwen-chat prompts with <|vision_start|> (3-D M-RoPE
// positions), two images in one prompt, right- and left-padded batches, GME; each with the
// positions the case gives. The debug cases also check the decoder's input (image features
// written in), layer 0's output and the final norm.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "common/error.h"
#include "io/checkpoint.h"
#include "io/json_file.h"
#include "models/qwen2vl/qwen2vl_model.h"
#include "models/qwen2vl/rope_index.h"
#include "support/fixtures.h"
#include "support/npz.h"

namespace vlm2vec {
namespace {

using models::qwen2vl::Qwen2VlModel;

std::filesystem::path qwen2vl_fixtures() { return testing::fixtures_dir().parent_path() / "hf-reference-qwen2vl"; }

struct Loaded {
  io::Checkpoint checkpoint;
  Qwen2VlModel model;

  Loaded()
      : checkpoint((qwen2vl_fixtures() / "qwen2vl-tiny").string(), torch::kFloat, torch::kCPU),
        model(checkpoint, models::qwen2vl::qwen2vl_config_from_json(
                              io::read_json_file((qwen2vl_fixtures() / "qwen2vl-tiny" / "config.json").string()),
                              "qwen2vl-tiny/config.json")) {
    checkpoint.finish();
  }
};

const Loaded& tiny() {
  static const auto loaded = std::make_unique<Loaded>();
  return *loaded;
}

torch::Tensor longs_2d(const nlohmann::json& rows) {
  const auto values = rows.get<std::vector<std::vector<int64_t>>>();
  std::vector<torch::Tensor> tensors;
  for (const auto& row : values) tensors.push_back(torch::tensor(row, torch::kLong));
  return torch::stack(tensors);
}

struct Batch {
  torch::Tensor input_ids, attention_mask, pixel_values, grid_thw, position_ids;
};

// The case's inputs; every example's images in order (an example holds none, one path, or a list).
Batch batch(const nlohmann::json& the_case) {
  Batch b;
  b.input_ids = longs_2d(the_case.at("input_ids"));
  b.attention_mask = longs_2d(the_case.at("attention_mask"));
  std::vector<torch::Tensor> planes;
  for (const auto& plane : the_case.at("position_ids")) planes.push_back(longs_2d(plane));
  b.position_ids = torch::stack(planes);
  std::vector<torch::Tensor> pixels;
  std::vector<int64_t> grids;
  for (size_t example = 0; example < the_case.at("pixel_values").size(); ++example) {
    const auto& files = the_case.at("pixel_values")[example];
    if (files.is_null()) continue;
    for (const auto& file : files.is_array() ? files : nlohmann::json::array({files})) {
      pixels.push_back(testing::read_npz((qwen2vl_fixtures() / file.get<std::string>()).string()).at("pixel_values"));
    }
    for (const auto& grid : the_case.at("image_grid_thw")[example]) {
      for (const auto& value : grid) grids.push_back(value.get<int64_t>());
    }
  }
  if (!pixels.empty()) {
    b.pixel_values = torch::cat(pixels);
    b.grid_thw = torch::tensor(grids, torch::kLong).view({-1, 3});
  }
  return b;
}

double max_diff(const torch::Tensor& a, const torch::Tensor& b) {
  EXPECT_EQ(a.sizes(), b.sizes());
  return (a.to(torch::kDouble) - b.to(torch::kDouble)).abs().max().item<double>();
}

class Qwen2VlCases : public ::testing::TestWithParam<std::string> {};

TEST_P(Qwen2VlCases, EmbeddingsMatchTheReference) {
  torch::NoGradGuard no_grad;
  const auto the_case = io::read_json_file((qwen2vl_fixtures() / "cases" / (GetParam() + ".json")).string());
  const auto b = batch(the_case);
  const auto pooled = vlm2vec::models::pooled_positions(b.attention_mask);
  EXPECT_TRUE(torch::equal(pooled, torch::tensor(the_case.at("pool_index").get<std::vector<int64_t>>(), torch::kLong)));
  const auto embeddings = tiny().model.embed(b.input_ids, b.attention_mask, b.pixel_values, b.grid_thw, b.position_ids);
  const double diff = max_diff(embeddings, testing::matrix(the_case.at("expected_embedding")));
  std::printf("[ measured ] %s: max abs diff %.3g\n", GetParam().c_str(), diff);
  EXPECT_LE(diff, the_case.at("tolerance").get<double>());
}

INSTANTIATE_TEST_SUITE_P(AllCases, Qwen2VlCases,
                         ::testing::Values("q01_text_short", "q02_text_long200", "q03_v2fmt_landscape", "q04_v2fmt_portrait",
                                           "q05_v2fmt_square", "q06_v2fmt_tall", "q07_mrope_landscape", "q08_mrope_portrait",
                                           "q09_mrope_square", "q10_mrope_tall", "q11_mrope_two_images", "q12_v2fmt_two_images",
                                           "q13_batch3_right_v2fmt", "q14_batch3_left_v2fmt", "q15_batch4_right_mrope",
                                           "q16_batch3_left_mrope", "q17_gme_square", "q18_gme_batch2_left"));

class Qwen2VlPositions : public ::testing::TestWithParam<std::string> {};

// The positions upstream's get_rope_index gives: 1-D for VLM2Vec prompts (no <|vision_start|>),
// 3-D for Qwen-chat prompts, padding 1, left or right.
TEST_P(Qwen2VlPositions, RopeIndexGivesTheCasesPositions) {
  const auto the_case = io::read_json_file((qwen2vl_fixtures() / "cases" / (GetParam() + ".json")).string());
  const auto b = batch(the_case);
  const auto positions = models::qwen2vl::rope_index(b.input_ids, b.attention_mask, b.grid_thw,
                                                     the_case.at("image_placeholder_id").get<int64_t>(),
                                                     the_case.at("vision_start_token_id").get<int64_t>(), 2);
  EXPECT_TRUE(torch::equal(positions, b.position_ids)) << positions << "\nexpected\n" << b.position_ids;
}

INSTANTIATE_TEST_SUITE_P(AllButGme, Qwen2VlPositions,
                         ::testing::Values("q01_text_short", "q02_text_long200", "q03_v2fmt_landscape", "q04_v2fmt_portrait",
                                           "q05_v2fmt_square", "q06_v2fmt_tall", "q07_mrope_landscape", "q08_mrope_portrait",
                                           "q09_mrope_square", "q10_mrope_tall", "q11_mrope_two_images", "q12_v2fmt_two_images",
                                           "q13_batch3_right_v2fmt", "q14_batch3_left_v2fmt", "q15_batch4_right_mrope",
                                           "q16_batch3_left_mrope"));

class Qwen2VlDebug : public ::testing::TestWithParam<std::string> {};

TEST_P(Qwen2VlDebug, TheDecodersInputAndEveryLayerMatch) {
  torch::NoGradGuard no_grad;
  const auto the_case = io::read_json_file((qwen2vl_fixtures() / "cases" / (GetParam() + ".json")).string());
  const auto debug = testing::read_npz((qwen2vl_fixtures() / the_case.at("debug_hidden_states").get<std::string>()).string());
  const auto b = batch(the_case);
  std::vector<torch::Tensor> hidden;
  const auto last = tiny().model.forward(b.input_ids, b.attention_mask, b.pixel_values, b.grid_thw, b.position_ids, &hidden);
  EXPECT_LE(max_diff(hidden.at(0), debug.at("hidden_0")), 1e-4) << "the decoder's input, image features written in";
  EXPECT_LE(max_diff(hidden.at(1), debug.at("hidden_1")), 1e-4) << "layer 0";
  EXPECT_LE(max_diff(last, debug.at("hidden_2")), 1e-4) << "the final norm";
}

INSTANTIATE_TEST_SUITE_P(DebugCases, Qwen2VlDebug, ::testing::Values("q01_text_short", "q05_v2fmt_square", "q07_mrope_landscape"));

TEST(Qwen2VlModel, PlaceholdersAndImagesMustAgree) {
  torch::NoGradGuard no_grad;
  const auto the_case = io::read_json_file((qwen2vl_fixtures() / "cases" / "q05_v2fmt_square.json").string());
  auto b = batch(the_case);
  try {
    tiny().model.forward(b.input_ids, b.attention_mask, torch::Tensor(), torch::Tensor(), b.position_ids);
    FAIL() << "placeholders without images were accepted";
  } catch (const Error& e) {
    EXPECT_STREQ("the batch has 49 <|image_pad|> tokens and no images", e.what());
  }
  b.input_ids.index_put_({0, 0}, 7);  // one placeholder fewer
  try {
    tiny().model.forward(b.input_ids, b.attention_mask, b.pixel_values, b.grid_thw, b.position_ids);
    FAIL() << "a placeholder count that does not match the features was accepted";
  } catch (const Error& e) {
    EXPECT_STREQ("the batch has 48 <|image_pad|> tokens but its images give 49 features", e.what());
  }
}

TEST(Qwen2VlModel, ConfigSpellingsOfHubFilesAreRead) {
  auto json = io::read_json_file((qwen2vl_fixtures() / "qwen2vl-tiny" / "config.json").string());
  // As the Hub writes them: rope_scaling type "mrope", vision_config in_chans.
  json["rope_scaling"] = {{"type", "mrope"}, {"mrope_section", {2, 3, 3}}};
  json["vision_config"].erase("in_channels");
  json["vision_config"]["in_chans"] = 3;
  const auto config = models::qwen2vl::qwen2vl_config_from_json(json, "hub config.json");
  EXPECT_EQ(config.mrope_section, (std::vector<int64_t>{2, 3, 3}));
  EXPECT_EQ(config.vision.in_channels, 3);
  EXPECT_TRUE(config.decoder.attention_bias);
  json["rope_scaling"]["mrope_section"] = {2, 3, 4};
  try {
    models::qwen2vl::qwen2vl_config_from_json(json, "hub config.json");
    FAIL() << "a section that does not cover head_dim was accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("mrope_section must be three numbers summing to head_dim / 2 = 8"), std::string::npos);
  }
  // Sizes that would exhaust memory or divide by zero are refused before anything is built.
  json["rope_scaling"]["mrope_section"] = {2, 3, 3};
  json["vision_config"]["depth"] = 1000000000;
  try {
    models::qwen2vl::qwen2vl_config_from_json(json, "hub config.json");
    FAIL() << "a billion vision blocks were accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("depth = 1000000000 is out of range [1, 512]"), std::string::npos) << e.what();
  }
  json["vision_config"]["depth"] = 2;
  json["num_attention_heads"] = 0;
  try {
    models::qwen2vl::qwen2vl_config_from_json(json, "hub config.json");
    FAIL() << "zero attention heads were accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("num_attention_heads = 0 is out of range"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace vlm2vec
