// The C ABI's batch descriptor (ABI 4) end to end: the Qwen2-VL reference cases through
// vlm2vec_model_load / vlm2vec_model_encode with one vlm2vec_image per image (patches +
// grid_thw), left and right padding, positions computed natively (NULL) or given (GME's
// arange); and the descriptor's errors, each naming the field.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cstdio>
#include <fstream>
#include <filesystem>
#include <string>
#include <vector>

#include "io/json_file.h"
#include "io/safetensors.h"
#include "support/fixtures.h"
#include "support/npz.h"
#include "support/tiny_model.h"
#include "vlm2vec.h"

namespace vlm2vec {
namespace {

std::filesystem::path qwen2vl_fixtures() { return testing::fixtures_dir().parent_path() / "hf-reference-qwen2vl"; }

struct Model {
  vlm2vec_model* handle = nullptr;
  explicit Model(const std::string& directory) {
    EXPECT_EQ(VLM2VEC_OK, vlm2vec_model_load(directory.c_str(), "cpu", VLM2VEC_DTYPE_FLOAT32, &handle)) << vlm2vec_last_error();
  }
  ~Model() { vlm2vec_model_free(handle); }
};

const Model& qwen2vl() {
  static const Model model((qwen2vl_fixtures() / "qwen2vl-tiny").string());
  return model;
}

// A case laid out as a Java caller lays it out: flat row-major buffers and one descriptor per image.
struct CaseBatch {
  std::vector<int64_t> ids, mask, positions;
  std::vector<torch::Tensor> pixels;
  std::vector<vlm2vec_image> images;
  vlm2vec_batch batch{};
  int64_t rows = 0;

  CaseBatch(const nlohmann::json& the_case, bool give_positions) {
    const auto id_rows = the_case.at("input_ids").get<std::vector<std::vector<int64_t>>>();
    const auto mask_rows = the_case.at("attention_mask").get<std::vector<std::vector<int64_t>>>();
    rows = static_cast<int64_t>(id_rows.size());
    for (size_t r = 0; r < id_rows.size(); ++r) {
      ids.insert(ids.end(), id_rows[r].begin(), id_rows[r].end());
      mask.insert(mask.end(), mask_rows[r].begin(), mask_rows[r].end());
    }
    for (const auto& plane : the_case.at("position_ids")) {
      for (const auto& row : plane) {
        for (const auto& value : row) positions.push_back(value.get<int64_t>());
      }
    }
    for (size_t example = 0; example < the_case.at("pixel_values").size(); ++example) {
      const auto& files = the_case.at("pixel_values")[example];
      if (files.is_null()) continue;
      size_t k = 0;
      for (const auto& file : files.is_array() ? files : nlohmann::json::array({files})) {
        pixels.push_back(testing::read_npz((qwen2vl_fixtures() / file.get<std::string>()).string()).at("pixel_values").contiguous());
        const auto grid = the_case.at("image_grid_thw")[example][k++].get<std::vector<int64_t>>();
        vlm2vec_image image{};
        image.pixel_values = pixels.back().data_ptr<float>();
        image.rank = 2;
        image.shape[0] = pixels.back().size(0);
        image.shape[1] = pixels.back().size(1);
        image.image_size[0] = grid[1] * 14;
        image.image_size[1] = grid[2] * 14;
        for (int d = 0; d < 3; ++d) image.grid_thw[d] = grid[d];
        images.push_back(image);
      }
    }
    batch.batch_size = rows;
    batch.seq_len = static_cast<int64_t>(id_rows[0].size());
    batch.input_ids = ids.data();
    batch.attention_mask = mask.data();
    batch.position_ids = give_positions ? positions.data() : nullptr;
    // Left padded when some row starts with padding.
    bool left = false;
    for (const auto& row : mask_rows) left = left || row.front() == 0;
    batch.padding_side = left ? VLM2VEC_PAD_LEFT : VLM2VEC_PAD_RIGHT;
    batch.num_images = static_cast<int64_t>(images.size());
    batch.images = images.empty() ? nullptr : images.data();
  }
};

class Qwen2VlAbiCases : public ::testing::TestWithParam<std::string> {};

// GME's arange positions are not what rope_index gives, so a GME caller passes them; every other
// case leaves position_ids NULL and the backbone computes get_rope_index's.
TEST_P(Qwen2VlAbiCases, EncodeMatchesTheReference) {
  const auto the_case = io::read_json_file((qwen2vl_fixtures() / "cases" / (GetParam() + ".json")).string());
  const bool gme = GetParam().find("gme") != std::string::npos;
  CaseBatch b(the_case, gme);
  int64_t hidden = 0;
  vlm2vec_model_info info{};
  ASSERT_EQ(VLM2VEC_OK, vlm2vec_model_info_get(qwen2vl().handle, &info));
  EXPECT_STREQ("qwen2_vl", info.architecture);
  hidden = info.hidden_size;
  std::vector<float> out(static_cast<size_t>(b.rows * hidden));
  ASSERT_EQ(VLM2VEC_OK, vlm2vec_model_encode(qwen2vl().handle, &b.batch, 1, out.data(), static_cast<int64_t>(out.size())))
      << vlm2vec_last_error();
  const auto got = torch::from_blob(out.data(), {b.rows, hidden}, torch::kFloat32).to(torch::kDouble);
  const double diff = (got - testing::matrix(the_case.at("expected_embedding")).to(torch::kDouble)).abs().max().item<double>();
  std::printf("[ measured ] %s through the C ABI: max abs diff %.3g\n", GetParam().c_str(), diff);
  EXPECT_LE(diff, the_case.at("tolerance").get<double>());
}

INSTANTIATE_TEST_SUITE_P(AllCases, Qwen2VlAbiCases,
                         ::testing::Values("q01_text_short", "q03_v2fmt_landscape", "q07_mrope_landscape", "q11_mrope_two_images",
                                           "q12_v2fmt_two_images", "q13_batch3_right_v2fmt", "q14_batch3_left_v2fmt",
                                           "q15_batch4_right_mrope", "q16_batch3_left_mrope", "q17_gme_square",
                                           "q18_gme_batch2_left"));

// The fixture checkpoint rewritten as 7B and transformers >= 4.52 store it: tensors under
// model.language_model.* / model.visual.*, an lm_head.weight (7B does not tie it), the text keys in
// text_config, rope_scaling spelled as on the Hub, two shards with an index. Same embeddings.
TEST(Qwen2VlLayouts, TheNewNamesASeparateLmHeadAndShardsLoadTheSame) {
  testing::TemporaryDirectory dir;
  const auto source = qwen2vl_fixtures() / "qwen2vl-tiny";
  auto config = io::read_json_file((source / "config.json").string());
  nlohmann::json text = nlohmann::json::object();
  for (const char* key : {"hidden_size", "intermediate_size", "num_hidden_layers", "num_attention_heads", "num_key_value_heads",
                          "rms_norm_eps", "rope_theta", "vocab_size"}) {
    text[key] = config.at(key);
    config.erase(key);
  }
  text["rope_scaling"] = {{"type", "mrope"}, {"mrope_section", config.at("rope_scaling").at("mrope_section")}};
  config.erase("rope_scaling");
  config["text_config"] = text;
  config["tie_word_embeddings"] = false;
  std::ofstream((dir.path() / "config.json").string()) << config.dump(2);
  std::map<std::string, torch::Tensor> first, second;
  nlohmann::json weight_map = nlohmann::json::object();
  const auto file = io::SafetensorsFile::open((source / "model.safetensors").string());
  for (const auto& [name, entry] : file->entries()) {
    const auto tensor = file->tensor(name);
    const bool vision = name.rfind("visual.", 0) == 0;
    const std::string renamed = vision ? "model." + name : "model.language_model." + name.substr(std::string("model.").size());
    (vision ? first : second)[renamed] = tensor.clone();
    weight_map[renamed] = vision ? "model-00001-of-00002.safetensors" : "model-00002-of-00002.safetensors";
  }
  second["lm_head.weight"] = second.at("model.language_model.embed_tokens.weight").clone();
  weight_map["lm_head.weight"] = "model-00002-of-00002.safetensors";
  io::write_safetensors((dir.path() / "model-00001-of-00002.safetensors").string(), first, {{"format", "pt"}});
  io::write_safetensors((dir.path() / "model-00002-of-00002.safetensors").string(), second, {{"format", "pt"}});
  std::ofstream((dir.path() / "model.safetensors.index.json").string())
      << nlohmann::json{{"metadata", nlohmann::json::object()}, {"weight_map", weight_map}}.dump();

  Model relaid(dir.path().string());
  ASSERT_NE(nullptr, relaid.handle);
  const char* report = nullptr;
  ASSERT_EQ(VLM2VEC_OK, vlm2vec_model_load_report(relaid.handle, &report));
  EXPECT_STREQ("", report);
  const auto the_case = io::read_json_file((qwen2vl_fixtures() / "cases" / "q14_batch3_left_v2fmt.json").string());
  CaseBatch b(the_case, false);
  std::vector<float> a(static_cast<size_t>(b.rows * 64)), c(a.size());
  ASSERT_EQ(VLM2VEC_OK, vlm2vec_model_encode(relaid.handle, &b.batch, 1, a.data(), static_cast<int64_t>(a.size())))
      << vlm2vec_last_error();
  ASSERT_EQ(VLM2VEC_OK, vlm2vec_model_encode(qwen2vl().handle, &b.batch, 1, c.data(), static_cast<int64_t>(c.size())));
  for (size_t i = 0; i < a.size(); ++i) EXPECT_FLOAT_EQ(c[i], a[i]) << "element " << i;
}

std::string encode_error(const vlm2vec_model* model, const vlm2vec_batch& batch, int64_t hidden) {
  std::vector<float> out(static_cast<size_t>(batch.batch_size * hidden));
  const int32_t status = vlm2vec_model_encode(model, &batch, 1, out.data(), static_cast<int64_t>(out.size()));
  EXPECT_NE(VLM2VEC_OK, status);
  return vlm2vec_last_error();
}

TEST(BatchDescriptor, RefusesWhatDoesNotFitAndNamesTheField) {
  const auto the_case = io::read_json_file((qwen2vl_fixtures() / "cases" / "q12_v2fmt_two_images.json").string());
  const int64_t hidden = 64;
  {
    CaseBatch b(the_case, false);
    b.images[1].grid_thw[2] += 1;
    EXPECT_NE(std::string::npos, encode_error(qwen2vl().handle, b.batch, hidden).find("batch.images[1]: grid_thw"));
  }
  {
    CaseBatch b(the_case, false);
    b.images[1].rank = 4;
    b.images[1].shape[2] = b.images[1].shape[3] = 1;
    EXPECT_NE(std::string::npos, encode_error(qwen2vl().handle, b.batch, hidden).find("batch.images[1].rank = 4"));
  }
  {
    CaseBatch b(the_case, false);
    b.images[0].pixel_values = nullptr;
    EXPECT_NE(std::string::npos, encode_error(qwen2vl().handle, b.batch, hidden).find("batch.images[0].pixel_values"));
  }
  {
    CaseBatch b(the_case, false);
    b.batch.padding_side = 7;
    EXPECT_NE(std::string::npos, encode_error(qwen2vl().handle, b.batch, hidden).find("batch.padding_side = 7"));
  }
  {
    // A right-padded batch declared left-padded.
    const auto right = io::read_json_file((qwen2vl_fixtures() / "cases" / "q13_batch3_right_v2fmt.json").string());
    CaseBatch b(right, false);
    b.batch.padding_side = VLM2VEC_PAD_LEFT;
    EXPECT_NE(std::string::npos, encode_error(qwen2vl().handle, b.batch, hidden).find("is not left-padded"));
  }
}

TEST(BatchDescriptor, ViewBackbonesRefusePatchesAndPositions) {
  testing::TemporaryDirectory dir;
  const auto phi3v = testing::write_tiny_phi3v(dir.path(), 3);
  Model model(phi3v.string());
  vlm2vec_model_info info{};
  ASSERT_EQ(VLM2VEC_OK, vlm2vec_model_info_get(model.handle, &info));
  std::vector<int64_t> ids{5, 6, 7}, mask{1, 1, 1}, positions(9, 0);
  vlm2vec_batch batch{};
  batch.batch_size = 1;
  batch.seq_len = 3;
  batch.input_ids = ids.data();
  batch.attention_mask = mask.data();
  batch.position_ids = positions.data();
  EXPECT_NE(std::string::npos, encode_error(model.handle, batch, info.hidden_size).find("only Qwen2-VL backbones take them"));
  batch.position_ids = nullptr;
  std::vector<float> patch(1176 * 4, 0.f);
  vlm2vec_image image{};
  image.pixel_values = patch.data();
  image.rank = 2;
  image.shape[0] = 4;
  image.shape[1] = 1176;
  image.grid_thw[0] = 1;
  image.grid_thw[1] = 2;
  image.grid_thw[2] = 2;
  batch.num_images = 1;
  batch.images = &image;
  EXPECT_NE(std::string::npos, encode_error(model.handle, batch, info.hidden_size).find("takes images as views"));
}

}  // namespace
}  // namespace vlm2vec
