// LLaVA-NeXT: anyres geometry against the processor outputs and the token-count formula,
// feature packing, both weight layouts, batch invariance, bf16, strict loading.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>

#include "common/error.h"
#include "io/safetensors.h"
#include "models/llava_next/anyres.h"
#include "models/llava_next/llava_next_model.h"
#include "models/model_loader.h"
#include "models/phi3v/tiny_phi3v.h"
#include "models/llava_next/tiny_llava_next.h"
#include "support/tiny_model.h"

using vlm2vec::models::Resolution;
using vlm2vec::testing::TemporaryDirectory;

namespace {

const std::vector<Resolution> kTinyPinpoints{{56, 112}, {112, 56}, {112, 112}, {168, 56}, {56, 168}};
const std::vector<Resolution> kRealPinpoints{{336, 672}, {672, 336}, {672, 672}, {1008, 336}, {336, 1008}};

std::filesystem::path write_tiny_llava(const std::filesystem::path& parent, uint64_t seed, bool new_names) {
  const auto directory = parent / ("llava-" + std::to_string(seed) + (new_names ? "-new" : "-old"));
  vlm2vec::models::TinyLlavaNextOptions options;
  options.seed = seed;
  options.new_names = new_names;
  vlm2vec::models::write_tiny_llava_next(directory.string(), options);
  return directory;
}

// One example: BOS, the image's tokens, some text; pixel values random for its views.
vlm2vec::models::EncodeBatch image_example(int64_t height, int64_t width, int64_t text_tokens, int64_t views_slots) {
  const auto layout = vlm2vec::models::anyres_layout(height, width, kTinyPinpoints, 56, 4);
  const int64_t image_tokens = layout.token_count(4), length = 1 + image_tokens + text_tokens;
  vlm2vec::models::EncodeBatch batch;
  batch.input_ids = torch::arange(3, 3 + length, torch::kLong).remainder(490).add(3).view({1, length});
  batch.input_ids[0][0] = 1;
  batch.input_ids.narrow(1, 1, image_tokens).fill_(500);
  batch.attention_mask = torch::ones({1, length}, torch::kLong);
  torch::manual_seed(height * 1000 + width);
  batch.pixel_values = torch::zeros({1, views_slots, 3, 56, 56});
  batch.pixel_values.narrow(1, 0, layout.num_patches()).copy_(torch::randn({layout.num_patches(), 3, 56, 56}));
  batch.image_sizes = torch::tensor({height, width}, torch::kLong).view({1, 2});
  return batch;
}

}  // namespace

TEST(Anyres, BestResolutionAndUnpaddingMatchTheProcessorOutputs) {
  struct Expected {
    int64_t height, width;
    Resolution best, unpadded;
    int64_t tokens;
  };
  // processor/llava-next/*.json of the reference fixtures
  for (const auto& e : std::vector<Expected>{{150, 230, {112, 112}, {6, 8}, 70},
                                             {300, 120, {168, 56}, {10, 4}, 66},
                                             {500, 500, {112, 112}, {8, 8}, 88},
                                             {700, 90, {168, 56}, {12, 2}, 52}}) {
    const auto layout = vlm2vec::models::anyres_layout(e.height, e.width, kTinyPinpoints, 56, 4);
    EXPECT_EQ(layout.best, e.best) << e.height << "x" << e.width;
    EXPECT_EQ(layout.unpadded, e.unpadded) << e.height << "x" << e.width;
    EXPECT_EQ(layout.token_count(4), e.tokens) << e.height << "x" << e.width;
    EXPECT_EQ(layout.num_patches(), layout.grid_rows * layout.grid_cols + 1);
  }
}

TEST(Anyres, TokenCountFollowsTheFormulaAtRealSizes) {
  // uh*uw + uh + 576, with uh, uw from an independent unpad written here in float64.
  for (int64_t height = 40; height <= 2000; height += 37) {
    for (int64_t width = 40; width <= 2000; width += 53) {
      const auto layout = vlm2vec::models::anyres_layout(height, width, kRealPinpoints, 336, 24);
      const int64_t rows = layout.grid_rows * 24, cols = layout.grid_cols * 24;
      int64_t uh = rows, uw = cols;
      if (static_cast<double>(width) / height > static_cast<double>(cols) / rows) {
        const double exact = height * (static_cast<double>(cols) / width);
        uh = rows - 2 * ((rows - static_cast<int64_t>(std::floor(exact + 5e-8))) / 2);
      } else {
        const double exact = width * (static_cast<double>(rows) / height);
        uw = cols - 2 * ((cols - static_cast<int64_t>(std::floor(exact + 5e-8))) / 2);
      }
      ASSERT_EQ(layout.unpadded, (Resolution{uh, uw})) << height << "x" << width;
      ASSERT_EQ(layout.token_count(24), uh * uw + uh + 576);
      ASSERT_LE(layout.token_count(24), 2928);
    }
  }
}

TEST(Anyres, RoundingToSevenDecimalsDecidesTheBoundaryCases) {
  // A 47 x 1128 image on the 336 x 1008 pinpoint (24 x 72 features): 47 * (72 / 1128) is
  // 2.9999999999999996 in binary. int() alone gives 2 rows and a padding of 11 on each side
  // (2 rows kept); round(x, 7) gives 3 and a padding of 10 (4 rows kept), as upstream.
  EXPECT_LT(47 * (72.0 / 1128), 3.0);
  EXPECT_EQ(vlm2vec::models::round_to_7_decimals(47 * (72.0 / 1128)), 3.0);
  EXPECT_EQ(vlm2vec::models::round_to_7_decimals(2.12345674), 2.1234567);
  const auto layout = vlm2vec::models::anyres_layout(47, 1128, kRealPinpoints, 336, 24);
  EXPECT_EQ(layout.best, (Resolution{336, 1008}));
  EXPECT_EQ(layout.unpadded, (Resolution{4, 72}));
  EXPECT_EQ(layout.token_count(24), 4 * 72 + 4 + 576);
  EXPECT_EQ(vlm2vec::models::unpadded_feature_size(24, 48, 47, 752), (Resolution{4, 48}));
}

TEST(LlavaNext, NewlinesCloseEveryUnpaddedRow) {
  TemporaryDirectory dir;
  const auto loaded = vlm2vec::models::load_model(write_tiny_llava(dir.path(), 1, false).string(), torch::kFloat32, torch::kCPU);
  const auto& llava = dynamic_cast<const vlm2vec::models::LlavaNextModel&>(*loaded);
  const auto layout = vlm2vec::models::anyres_layout(300, 120, kTinyPinpoints, 56, 4);  // 3x1 tiles, 10x4 unpadded
  // Projected features whose value says (view, patch): 1000*view + patch.
  auto projected = torch::empty({layout.num_patches(), 16, 64});
  for (int64_t view = 0; view < layout.num_patches(); ++view)
    for (int64_t patch = 0; patch < 16; ++patch) projected[view][patch].fill_(1000 * view + patch);
  const auto packed = llava.pack(projected, layout);
  ASSERT_EQ(packed.size(0), layout.token_count(4));
  for (int64_t i = 0; i < 16; ++i) EXPECT_EQ(packed[i][0].item<float>(), i);  // base view first
  // Unpadded row r is feature row r + 1 of the 12-row map: tile 1 + (r+1)/4, patch row (r+1)%4.
  for (int64_t r = 0; r < 10; ++r) {
    const int64_t start = 16 + r * 5;
    for (int64_t c = 0; c < 4; ++c) {
      const int64_t row = r + 1;
      EXPECT_EQ(packed[start + c][0].item<float>(), 1000 * (1 + row / 4) + (row % 4) * 4 + c) << r << "," << c;
    }
    EXPECT_FALSE(torch::equal(packed[start + 4], projected[0][0])) << "newline at " << start + 4;
  }
}

TEST(LlavaNext, BothWeightLayoutsGiveIdenticalEmbeddings) {
  TemporaryDirectory dir;
  const auto old_dir = write_tiny_llava(dir.path(), 2, false);
  // The same tensors under the transformers >= 4.52 names.
  const auto new_dir = dir.path() / "renamed";
  std::filesystem::create_directories(new_dir);
  for (const char* file : {"config.json", "preprocessor_config.json"}) std::filesystem::copy_file(old_dir / file, new_dir / file);
  const auto file = vlm2vec::io::SafetensorsFile::open((old_dir / "model.safetensors").string());
  const std::vector<std::pair<std::string, std::string>> renames{{"language_model.model.", "model.language_model."},
                                                                 {"language_model.lm_head.", "lm_head."},
                                                                 {"vision_tower.", "model.vision_tower."},
                                                                 {"multi_modal_projector.", "model.multi_modal_projector."},
                                                                 {"image_newline", "model.image_newline"}};
  std::map<std::string, torch::Tensor> renamed;
  for (const auto& [name, entry] : file->entries()) {
    std::string target = name;
    for (const auto& [from, to] : renames) {
      if (name.rfind(from, 0) == 0) {
        target = to + name.substr(from.size());
        break;
      }
    }
    renamed[target] = file->tensor(name).clone();
  }
  vlm2vec::io::write_safetensors((new_dir / "model.safetensors").string(), renamed);
  const auto old_names = vlm2vec::models::load_model(old_dir.string(), torch::kFloat32, torch::kCPU);
  const auto new_names = vlm2vec::models::load_model(new_dir.string(), torch::kFloat32, torch::kCPU);
  const auto batch = image_example(150, 230, 6, 5);
  EXPECT_TRUE(torch::equal(old_names->encode(batch, true), new_names->encode(batch, true)));
  EXPECT_EQ(old_names->load_report(), "");
  EXPECT_EQ(new_names->load_report(), "");
  // init-tiny writes the newer layout too.
  EXPECT_NO_THROW(vlm2vec::models::load_model(write_tiny_llava(dir.path(), 2, true).string(), torch::kFloat32, torch::kCPU));
}

TEST(LlavaNext, AnInputEncodesTheSameAloneAndInAPaddedBatch) {
  TemporaryDirectory dir;
  const auto model = vlm2vec::models::load_model(write_tiny_llava(dir.path(), 3, false).string(), torch::kFloat32, torch::kCPU);
  const auto tall = image_example(700, 90, 4, 5), wide = image_example(150, 230, 9, 5);
  const int64_t width = std::max(tall.input_ids.size(1), wide.input_ids.size(1)) + 3;
  const auto pad = [&](const torch::Tensor& t, int64_t value) {
    return torch::cat({t, torch::full({1, width - t.size(1)}, value, torch::kLong)}, 1);
  };
  vlm2vec::models::EncodeBatch batch;
  batch.input_ids = torch::cat({pad(tall.input_ids, 501), pad(wide.input_ids, 501)});
  batch.attention_mask = torch::cat({pad(tall.attention_mask, 0), pad(wide.attention_mask, 0)});
  batch.pixel_values = torch::cat({tall.pixel_values, wide.pixel_values});
  batch.image_sizes = torch::cat({tall.image_sizes, wide.image_sizes});
  const auto together = model->encode(batch, true);
  EXPECT_LT((together[0] - model->encode(tall, true)[0]).abs().max().item<double>(), 1e-5);
  EXPECT_LT((together[1] - model->encode(wide, true)[0]).abs().max().item<double>(), 1e-5);
}

TEST(LlavaNext, Bf16AgreesWithFp32) {
  TemporaryDirectory dir;
  const auto path = write_tiny_llava(dir.path(), 4, false).string();
  const auto batch = image_example(500, 500, 7, 5);
  const auto a = vlm2vec::models::load_model(path, torch::kFloat32, torch::kCPU)->encode(batch, true);
  const auto b = vlm2vec::models::load_model(path, torch::kBFloat16, torch::kCPU)->encode(batch, true);
  EXPECT_GE((a * b).sum().item<double>(), 0.999);
}

TEST(LlavaNext, MissingTensorIsNamed) {
  TemporaryDirectory dir;
  const auto path = write_tiny_llava(dir.path(), 5, true);
  const auto file = vlm2vec::io::SafetensorsFile::open((path / "model.safetensors").string());
  std::map<std::string, torch::Tensor> tensors;
  for (const auto& [name, entry] : file->entries()) {
    if (name != "model.language_model.layers.0.self_attn.k_proj.weight") tensors[name] = file->tensor(name).clone();
  }
  vlm2vec::io::write_safetensors((path / "model.safetensors").string(), tensors);
  try {
    vlm2vec::models::load_model(path.string(), torch::kFloat32, torch::kCPU);
    FAIL() << "loaded";
  } catch (const vlm2vec::Error& e) {
    EXPECT_EQ(e.status(), VLM2VEC_ERR_BAD_MODEL);
    EXPECT_NE(std::string(e.what()).find("missing tensor 'model.language_model.layers.0.self_attn.k_proj.weight' (expected shape [32, 64])"),
              std::string::npos) << e.what();
  }
}
