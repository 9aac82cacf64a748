// Strict checkpoint loading: every missing or mis-shaped tensor named, shards, the tied
// embedding alias, unused tensors reported; init-tiny's output is deterministic.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <sys/resource.h>
#include <torch/torch.h>

#include <filesystem>
#include <functional>
#include <fstream>

#include "common/error.h"
#include "io/safetensors.h"
#include "models/model_loader.h"
#include "models/phi3v/tiny_phi3v.h"
#include "models/llava_next/tiny_llava_next.h"
#include "support/tiny_model.h"

namespace fs = std::filesystem;
using vlm2vec::testing::TemporaryDirectory;

namespace {

std::map<std::string, torch::Tensor> read_all(const fs::path& file) {
  const auto st = vlm2vec::io::SafetensorsFile::open(file.string());
  std::map<std::string, torch::Tensor> tensors;
  for (const auto& [name, entry] : st->entries()) tensors[name] = st->tensor(name).clone();
  return tensors;
}

std::string load_error(const fs::path& dir) {
  try {
    vlm2vec::models::load_model(dir.string(), torch::kFloat32, torch::kCPU);
  } catch (const vlm2vec::Error& e) {
    EXPECT_EQ(e.status(), VLM2VEC_ERR_BAD_MODEL) << e.what();
    return e.what();
  }
  return "loaded";
}

vlm2vec::models::EncodeBatch text_batch() {
  vlm2vec::models::EncodeBatch batch;
  batch.input_ids = torch::tensor({1, 17, 42, 99, 300, 5}, torch::kLong).view({1, 6});
  batch.attention_mask = torch::ones({1, 6}, torch::kLong);
  return batch;
}

}  // namespace

TEST(Checkpoint, MissingAndMisShapedTensorsAreAllNamed) {
  TemporaryDirectory dir;
  const auto model = vlm2vec::testing::write_tiny_phi3v(dir.path(), 1);
  auto tensors = read_all(model / "model.safetensors");
  tensors.erase("model.layers.1.self_attn.o_proj.weight");
  tensors["model.norm.weight"] = torch::ones({65}, torch::kBFloat16);
  vlm2vec::io::write_safetensors((model / "model.safetensors").string(), tensors);
  const auto message = load_error(model);
  EXPECT_NE(message.find("(2 problems)"), std::string::npos) << message;
  EXPECT_NE(message.find("missing tensor 'model.layers.1.self_attn.o_proj.weight' (expected shape [64, 64])"),
            std::string::npos) << message;
  EXPECT_NE(message.find("tensor 'model.norm.weight' has shape [65] but the architecture needs [64]"), std::string::npos)
      << message;
}

TEST(Checkpoint, ShardedCheckpointLoadsLikeASingleFile) {
  TemporaryDirectory dir;
  const auto single = vlm2vec::testing::write_tiny_phi3v(dir.path(), 2);
  const auto sharded = dir.path() / "sharded";
  fs::create_directories(sharded);
  for (const char* file : {"config.json", "preprocessor_config.json"}) fs::copy_file(single / file, sharded / file);
  std::map<std::string, torch::Tensor> first, second;
  nlohmann::json weight_map;
  for (const auto& [name, tensor] : read_all(single / "model.safetensors")) {
    const bool vision = name.find("vision_embed_tokens") != std::string::npos;
    (vision ? second : first)[name] = tensor;
    weight_map[name] = vision ? "model-00002-of-00002.safetensors" : "model-00001-of-00002.safetensors";
  }
  vlm2vec::io::write_safetensors((sharded / "model-00001-of-00002.safetensors").string(), first);
  vlm2vec::io::write_safetensors((sharded / "model-00002-of-00002.safetensors").string(), second);
  std::ofstream(sharded / "model.safetensors.index.json") << nlohmann::json{{"metadata", {}}, {"weight_map", weight_map}}.dump();
  const auto a = vlm2vec::models::load_model(single.string(), torch::kFloat32, torch::kCPU);
  const auto b = vlm2vec::models::load_model(sharded.string(), torch::kFloat32, torch::kCPU);
  EXPECT_TRUE(torch::equal(a->encode(text_batch(), true), b->encode(text_batch(), true)));
  EXPECT_EQ(a->info().parameter_count, b->info().parameter_count);
}

TEST(Checkpoint, TiedEmbeddingAliasMustMatchAndExtraTensorsAreReported) {
  TemporaryDirectory dir;
  const auto model = vlm2vec::testing::write_tiny_phi3v(dir.path(), 3);
  auto tensors = read_all(model / "model.safetensors");
  tensors["model.vision_embed_tokens.wte.weight"] = tensors.at("model.embed_tokens.weight");
  tensors["extra.unknown"] = torch::ones({2});
  vlm2vec::io::write_safetensors((model / "model.safetensors").string(), tensors);
  const auto loaded = vlm2vec::models::load_model(model.string(), torch::kFloat32, torch::kCPU);
  EXPECT_NE(loaded->load_report().find("1 tensor(s)"), std::string::npos) << loaded->load_report();
  EXPECT_NE(loaded->load_report().find("extra.unknown"), std::string::npos);

  tensors["model.vision_embed_tokens.wte.weight"] = tensors.at("model.embed_tokens.weight") + 1;
  vlm2vec::io::write_safetensors((model / "model.safetensors").string(), tensors);
  EXPECT_NE(load_error(model).find("must equal 'model.embed_tokens.weight'"), std::string::npos);
}

TEST(Checkpoint, MissingFilesAndBadConfigAreExplained) {
  TemporaryDirectory dir;
  const auto model = vlm2vec::testing::write_tiny_phi3v(dir.path(), 4);
  fs::remove(model / "model.safetensors");
  EXPECT_NE(load_error(model).find("holds neither model.safetensors nor model.safetensors.index.json"), std::string::npos);
  std::ofstream(model / "config.json") << "{\"model_type\": \"phi3_v\"";
  EXPECT_NE(load_error(model).find("config.json is not valid JSON"), std::string::npos);
}

TEST(Checkpoint, AnUnsupportedDtypeIsRefusedBeforeLoading) {
  TemporaryDirectory dir;
  const auto model = vlm2vec::testing::write_tiny_phi3v(dir.path(), 5);
  try {
    const auto loaded = vlm2vec::models::load_model(model.string(), torch::kFloat16, torch::kCPU);
    // libtorch 2.x multiplies fp16 on the CPU: then the model must work.
    EXPECT_TRUE(torch::isfinite(loaded->encode(text_batch(), true)).all().item<bool>());
  } catch (const vlm2vec::Error& e) {
    EXPECT_EQ(e.status(), VLM2VEC_ERR_UNSUPPORTED);
    EXPECT_NE(std::string(e.what()).find("dtype Half is not supported on cpu"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("use bfloat16 or float32"), std::string::npos) << e.what();
  }
}

namespace {

// Rewrites config.json with edit applied.
void edit_config(const fs::path& model, const std::function<void(nlohmann::json&)>& edit) {
  auto config = nlohmann::json::parse(std::ifstream(model / "config.json"));
  edit(config);
  std::ofstream(model / "config.json") << config.dump(2);
}

long peak_rss_kb() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss;
}

}  // namespace

// A zero head count divided the hidden size (SIGFPE killed the JVM): now a named range error.
TEST(ConfigChecks, ZeroHeadsAreAnErrorNotADivisionByZero) {
  TemporaryDirectory dir;
  const auto model = vlm2vec::testing::write_tiny_phi3v(dir.path(), 6);
  edit_config(model, [](nlohmann::json& c) { c["num_attention_heads"] = 0; });
  const auto message = load_error(model);
  EXPECT_NE(message.find("num_attention_heads = 0 is out of range [1, 64]"), std::string::npos) << message;
  edit_config(model, [](nlohmann::json& c) {
    c["num_attention_heads"] = 4;
    c["num_key_value_heads"] = 3;
  });
  EXPECT_NE(load_error(model).find("num_attention_heads (4) is not a multiple of num_key_value_heads (3)"),
            std::string::npos);
  edit_config(model, [](nlohmann::json& c) {
    c.erase("num_key_value_heads");
    c["img_processor"]["clip_config"]["num_attention_heads"] = 0;
  });
  EXPECT_NE(load_error(model).find("img_processor.clip_config: num_attention_heads = 0 is out of range"),
            std::string::npos) << load_error(model);
}

// A LLaVA config without vision_config on a narrow tower inferred 32 / 64 = 0 CLIP heads.
TEST(ConfigChecks, LlavaWithoutVisionConfigOnANarrowTowerIsNamed) {
  TemporaryDirectory dir;
  vlm2vec::models::TinyLlavaNextOptions options;
  options.seed = 3;
  const auto model = dir.path() / "llava";
  vlm2vec::models::write_tiny_llava_next(model.string(), options);
  edit_config(model, [](nlohmann::json& c) { c.erase("vision_config"); });
  const auto message = load_error(model);
  EXPECT_NE(message.find("vision_config: num_attention_heads = 0 is out of range"), std::string::npos) << message;
}

// num_hidden_layers: 1e9 grew to 22 GB before the OOM killer; a LLaVA config without text_config
// allocated zero placeholders for a 7B decoder. Now: a range error, or a stop after 64 problems
// with placeholders that own no memory.
TEST(ConfigChecks, ConfigSizesCannotExhaustTheHost) {
  TemporaryDirectory dir;
  const auto model = vlm2vec::testing::write_tiny_phi3v(dir.path(), 7);
  edit_config(model, [](nlohmann::json& c) { c["num_hidden_layers"] = 1000000000; });
  EXPECT_NE(load_error(model).find("num_hidden_layers = 1000000000 is out of range [1, 512]"), std::string::npos);

  vlm2vec::models::TinyLlavaNextOptions options;
  options.seed = 4;
  const auto llava = dir.path() / "llava";
  vlm2vec::models::write_tiny_llava_next(llava.string(), options);
  edit_config(llava, [](nlohmann::json& c) { c.erase("text_config"); });
  const long before = peak_rss_kb();
  const auto message = load_error(llava);
  EXPECT_NE(message.find("64 or more problems, loading stopped there"), std::string::npos) << message;
  // A 4096-wide, 32-layer decoder of zeros would be > 20 GB in fp32.
  EXPECT_LT(peak_rss_kb() - before, 1024L * 1024) << "kB of peak RSS growth";
}

// Found by the config fuzzer (native/fuzz): nlohmann casts a float to an integer key
// unchecked, undefined behaviour for 5.6e57 (UBSan) and a quiet 2 for 2.5. Now both are named.
// And an error raised where the file is not known (a rope check, libtorch) still names the model.
TEST(ConfigChecks, IntegerKeysTakeWholeNumbersAndEveryErrorNamesTheModel) {
  TemporaryDirectory dir;
  const auto model = vlm2vec::testing::write_tiny_phi3v(dir.path(), 9);
  edit_config(model, [](nlohmann::json& c) { c["hidden_size"] = 5.6e57; });
  EXPECT_NE(load_error(model).find("key 'hidden_size' must hold whole numbers, got 5.6e+57"), std::string::npos)
      << load_error(model);
  edit_config(model, [](nlohmann::json& c) { c["hidden_size"] = 2.5; });
  EXPECT_NE(load_error(model).find("key 'hidden_size' must hold whole numbers, got 2.5"), std::string::npos);
  edit_config(model, [](nlohmann::json& c) {
    c["hidden_size"] = 64.0;  // a whole number written as a float is read as it means
    c["rope_scaling"]["short_factor"] = std::vector<double>{1.0, 1.0};
  });
  const auto message = load_error(model);
  EXPECT_EQ(message.rfind("model " + model.string() + ": ", 0), 0u) << message;
  EXPECT_NE(message.find("short and long factors"), std::string::npos) << message;
}

TEST(InitTiny, SameSeedSameBytesOtherSeedOtherWeights) {
  TemporaryDirectory a, b, c;
  const auto first = vlm2vec::testing::write_tiny_phi3v(a.path(), 7);
  const auto again = vlm2vec::testing::write_tiny_phi3v(b.path(), 7);
  const auto other = vlm2vec::testing::write_tiny_phi3v(c.path(), 8);
  for (const char* file : {"model.safetensors", "config.json", "tokenizer.json", "tokenizer_config.json",
                           "preprocessor_config.json"}) {
    std::ifstream x(first / file, std::ios::binary), y(again / file, std::ios::binary);
    EXPECT_EQ(std::string(std::istreambuf_iterator<char>(x), {}), std::string(std::istreambuf_iterator<char>(y), {})) << file;
  }
  EXPECT_FALSE(torch::equal(read_all(first / "model.safetensors").at("model.norm.weight"),
                            read_all(other / "model.safetensors").at("model.norm.weight")));
}

TEST(InitTiny, WritesTheRealLayout) {
  TemporaryDirectory dir;
  const auto model = vlm2vec::testing::write_tiny_phi3v(dir.path(), 9);
  const auto config = nlohmann::json::parse(std::ifstream(model / "config.json"));
  EXPECT_EQ(config["model_type"], "phi3_v");
  EXPECT_EQ(config["rope_scaling"]["type"], "su");
  EXPECT_EQ(config["rope_scaling"]["short_factor"].size(), 8u);
  EXPECT_EQ(config["embd_layer"]["hd_transform_order"], "sub_glb");
  const auto tensors = read_all(model / "model.safetensors");
  EXPECT_EQ(tensors.at("model.layers.0.self_attn.qkv_proj.weight").sizes(), (c10::IntArrayRef{192, 64}));
  EXPECT_EQ(tensors.at("model.layers.0.mlp.gate_up_proj.weight").sizes(), (c10::IntArrayRef{256, 64}));
  EXPECT_EQ(tensors.at("model.vision_embed_tokens.sub_GN").sizes(), (c10::IntArrayRef{1, 1, 1, 128}));
  EXPECT_EQ(tensors.at("model.embed_tokens.weight").scalar_type(), torch::kBFloat16);
  const auto tokenizer = nlohmann::json::parse(std::ifstream(model / "tokenizer.json"));
  EXPECT_EQ(tokenizer["model"]["type"], "BPE");
  EXPECT_EQ(tokenizer["model"]["byte_fallback"], true);
  EXPECT_EQ(tokenizer["model"]["vocab"]["<0x41>"], 3 + 0x41);
  EXPECT_EQ(tokenizer["model"]["vocab"]["<|endoftext|>"], 500);
  EXPECT_EQ(tokenizer["model"]["vocab"]["<|end|>"], 507);
  EXPECT_EQ(tokenizer["model"]["vocab"]["<|user|>"], 510);
  EXPECT_GT(tokenizer["model"]["merges"].size(), 100u);
  EXPECT_EQ(tokenizer["model"]["vocab"].size(), 511u);
}
