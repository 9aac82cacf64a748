// Qwen2-VL's vision tower against the reference's debug tensors (shared/fixtures/hf-reference-qwen2vl/
// debug): the patch embedding, the output of the last block and the PatchMerger's output for an
// image whose merged grid is odd (q05) and one with 3-D positions in its prompt (q07); and the
// block-diagonal attention of a batch of two images.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cstdio>
#include <filesystem>
#include <string>

#include "common/error.h"
#include "io/checkpoint.h"
#include "io/json_file.h"
#include "models/qwen2vl/vision_tower.h"
#include "support/fixtures.h"
#include "support/npz.h"

namespace vlm2vec {
namespace {

std::filesystem::path qwen2vl_fixtures() { return testing::fixtures_dir().parent_path() / "hf-reference-qwen2vl"; }

struct Tower {
  io::Checkpoint checkpoint;
  models::qwen2vl::VisionTower tower;

  Tower()
      : checkpoint((qwen2vl_fixtures() / "qwen2vl-tiny").string(), torch::kFloat, torch::kCPU),
        tower(checkpoint, "visual",
              models::qwen2vl::vision_config_from_json(
                  io::read_json_file((qwen2vl_fixtures() / "qwen2vl-tiny" / "config.json").string()).at("vision_config"),
                  "qwen2vl-tiny/config.json")) {}
};

double max_diff(const torch::Tensor& a, const torch::Tensor& b) {
  EXPECT_EQ(a.sizes(), b.sizes());
  return (a.to(torch::kDouble) - b.to(torch::kDouble)).abs().max().item<double>();
}

torch::Tensor pixels(const std::string& relative) {
  return testing::read_npz((qwen2vl_fixtures() / relative).string()).at("pixel_values");
}

class Qwen2VlVision : public ::testing::TestWithParam<std::string> {};

TEST_P(Qwen2VlVision, EveryStageMatchesTheReference) {
  torch::NoGradGuard no_grad;
  const auto the_case = io::read_json_file((qwen2vl_fixtures() / "cases" / (GetParam() + ".json")).string());
  const auto debug = testing::read_npz((qwen2vl_fixtures() / the_case.at("debug_hidden_states").get<std::string>()).string());
  Tower tiny;
  const auto grid = torch::tensor(the_case.at("image_grid_thw").at(0).get<std::vector<std::vector<int64_t>>>()[0]).view({1, 3});
  const auto embedded = tiny.tower.embed_patches(pixels(the_case.at("pixel_values").at(0).get<std::string>()));
  const auto blocks = tiny.tower.run_blocks(embedded, grid);
  const auto features = tiny.tower.merge(blocks);
  const double patch_diff = max_diff(embedded, debug.at("vision_patch_embed"));
  const double blocks_diff = max_diff(blocks, debug.at("vision_blocks_out"));
  const double out_diff = max_diff(features, debug.at("vision_out"));
  std::printf("[ measured ] %s: max abs diff patch embedding %.3g, blocks %.3g, merger %.3g\n", GetParam().c_str(),
              patch_diff, blocks_diff, out_diff);
  EXPECT_LE(patch_diff, 1e-4);
  EXPECT_LE(blocks_diff, 1e-4);
  EXPECT_LE(out_diff, 1e-4);
  EXPECT_EQ(features.size(0), the_case.at("num_img_tokens").at(0).get<int64_t>());
}

INSTANTIATE_TEST_SUITE_P(DebugCases, Qwen2VlVision, ::testing::Values("q05_v2fmt_square", "q07_mrope_landscape"));

TEST(Qwen2VlVision, ImagesOfABatchOnlyAttendToThemselves) {
  torch::NoGradGuard no_grad;
  Tower tiny;
  const auto square = pixels("processor/qwen2vl-tiny/square_500x500.npz");
  const auto landscape = pixels("processor/qwen2vl-tiny/landscape_230x150.npz");
  const auto alone_square = tiny.tower.forward(square, torch::tensor({1, 14, 14}).view({1, 3}));
  const auto alone_landscape = tiny.tower.forward(landscape, torch::tensor({1, 12, 18}).view({1, 3}));
  const auto together = tiny.tower.forward(torch::cat({square, landscape}), torch::tensor({1, 14, 14, 1, 12, 18}).view({2, 3}));
  EXPECT_LE(max_diff(together, torch::cat({alone_square, alone_landscape})), 1e-5);
}

TEST(Qwen2VlVision, AGridThatDoesNotDescribeThePixelsIsNamed) {
  torch::NoGradGuard no_grad;
  Tower tiny;
  const auto square = pixels("processor/qwen2vl-tiny/square_500x500.npz");
  try {
    tiny.tower.forward(square, torch::tensor({1, 14, 12}).view({1, 3}));
    FAIL() << "a wrong grid was accepted";
  } catch (const Error& e) {
    EXPECT_STREQ("image_grid_thw describes 168 patches but pixel_values has 196 rows", e.what());
  }
  try {
    tiny.tower.forward(square, torch::tensor({1, 7, 28}).view({1, 3}));
    FAIL() << "an odd grid was accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("multiples of 2"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace vlm2vec
