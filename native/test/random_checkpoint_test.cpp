// init-random's writer: for every backbone, the tensors it writes for a config are the ones the
// tiny writer (the backbone's reference layout) stores for that config, they load with nothing
// missing or unused, the shards follow save_pretrained's rule and the index lists them; values do
// not depend on the shard size.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <set>

#include "common/error.h"
#include "io/checkpoint.h"
#include "io/safetensors.h"
#include "models/backbone.h"
#include "models/model_loader.h"
#include "models/random_checkpoint.h"
#include "support/tiny_model.h"

namespace fs = std::filesystem;
using vlm2vec::models::RandomCheckpointOptions;
using vlm2vec::models::RandomCheckpointWriter;

namespace {

// Copies the tiny model's config (and preprocessor config) into a fresh directory.
fs::path config_only(const fs::path& tiny, const fs::path& out) {
  fs::create_directories(out);
  for (const char* name : {"config.json", "preprocessor_config.json"}) {
    if (fs::exists(tiny / name)) fs::copy_file(tiny / name, out / name);
  }
  return out;
}

void write_all(RandomCheckpointWriter& writer) {
  while (!writer.done()) writer.write_next();
}

std::map<std::string, std::vector<int64_t>> shapes_of(const std::string& directory) {
  vlm2vec::io::Checkpoint checkpoint(directory, torch::kFloat32, torch::kCPU);
  std::map<std::string, std::vector<int64_t>> shapes;
  for (const auto& name : checkpoint.names()) shapes[name] = checkpoint.raw(name).sizes().vec();
  return shapes;
}

class RandomCheckpoint : public ::testing::TestWithParam<std::string> {};

TEST_P(RandomCheckpoint, WritesTheTinyLayoutInShardsThatLoad) {
  vlm2vec::testing::TemporaryDirectory temp;
  const auto& backbone = vlm2vec::models::find_backbone(GetParam(), "test");
  const fs::path tiny = temp.path() / "tiny";
  backbone.write_tiny(tiny.string(), 3, 0);
  const fs::path out = config_only(tiny, temp.path() / "random");

  RandomCheckpointOptions options;
  options.dtype = torch::kBFloat16;
  options.shard_bytes = 60000;  // several shards for a ~100-300 KB model
  options.seed = 7;
  RandomCheckpointWriter writer(out.string(), options);
  ASSERT_GT(writer.shard_count(), 1u);
  write_all(writer);
  EXPECT_EQ(writer.written_bytes(), writer.total_bytes());

  EXPECT_EQ(shapes_of(out.string()), shapes_of(tiny.string()));
  EXPECT_TRUE(fs::exists(out / "tokenizer.json"));
  EXPECT_TRUE(fs::exists(out / "tokenizer_config.json"));
  EXPECT_FALSE(fs::exists(out / "model.safetensors"));

  // The index: every tensor once, in a shard that holds it; total_size the data bytes.
  std::ifstream in(out / "model.safetensors.index.json");
  const auto index = nlohmann::json::parse(in);
  EXPECT_EQ(index["metadata"]["total_size"].get<uint64_t>(), writer.total_bytes());
  std::set<std::string> shards;
  uint64_t shard_data = 0;
  for (const auto& [name, shard] : index["weight_map"].items()) shards.insert(shard.get<std::string>());
  ASSERT_EQ(shards.size(), writer.shard_count());
  for (const auto& shard : shards) {
    EXPECT_TRUE(shard.rfind("model-0000", 0) == 0 && shard.find("-of-0000") != std::string::npos) << shard;
    const auto file = vlm2vec::io::SafetensorsFile::open((out / shard).string());
    uint64_t bytes = 0;
    for (const auto& [name, entry] : file->entries()) {
      EXPECT_EQ(index["weight_map"][name].get<std::string>(), shard) << name;
      EXPECT_EQ(entry.dtype, torch::kBFloat16) << name;
      bytes += entry.end - entry.begin;
    }
    // save_pretrained's rule: a shard over the limit holds one tensor only.
    if (bytes > options.shard_bytes) EXPECT_EQ(file->entries().size(), 1u) << shard;
    shard_data += bytes;
  }
  EXPECT_EQ(shard_data, writer.total_bytes());

  const auto model = vlm2vec::models::load_model(out.string(), torch::kFloat32, torch::kCPU);
  EXPECT_EQ(model->load_report(), "") << "every stored tensor is used or known";
  const auto reference = vlm2vec::models::load_model(tiny.string(), torch::kFloat32, torch::kCPU);
  EXPECT_EQ(model->info().parameter_count, reference->info().parameter_count);
}

TEST(RandomCheckpointWriter, StoppedMidwayLeavesNoShard) {
  vlm2vec::testing::TemporaryDirectory temp;
  const fs::path tiny = temp.path() / "tiny";
  vlm2vec::models::find_backbone("phi3_v", "test").write_tiny(tiny.string(), 0, 0);
  const fs::path out = config_only(tiny, temp.path() / "random");
  {
    RandomCheckpointOptions options;
    RandomCheckpointWriter writer(out.string(), options);
    writer.write_next();
    writer.write_next();
  }
  std::set<std::string> left;
  for (const auto& entry : fs::directory_iterator(out)) left.insert(entry.path().filename().string());
  EXPECT_EQ(left, (std::set<std::string>{"config.json", "preprocessor_config.json"}));
}

INSTANTIATE_TEST_SUITE_P(Backbones, RandomCheckpoint, ::testing::Values("phi3_v", "llava_next", "qwen2_vl"));

TEST(RandomCheckpointValues, DependOnSeedAndNameNotOnShardSize) {
  vlm2vec::testing::TemporaryDirectory temp;
  const fs::path tiny = temp.path() / "tiny";
  vlm2vec::models::find_backbone("qwen2_vl", "test").write_tiny(tiny.string(), 0, 0);
  const auto write = [&](const std::string& name, uint64_t shard_bytes, uint64_t seed) {
    const fs::path out = config_only(tiny, temp.path() / name);
    RandomCheckpointOptions options;
    options.shard_bytes = shard_bytes;
    options.seed = seed;
    RandomCheckpointWriter writer(out.string(), options);
    write_all(writer);
    return std::make_unique<vlm2vec::io::Checkpoint>(out.string(), torch::kFloat32, torch::kCPU);
  };
  const auto one_shard = write("one", 1ULL << 40, 5);
  const auto many = write("many", 50000, 5);
  const auto other_seed = write("other", 1ULL << 40, 6);
  const std::string name = "model.layers.1.mlp.down_proj.weight";
  EXPECT_TRUE(torch::equal(one_shard->raw(name), many->raw(name)));
  EXPECT_FALSE(torch::equal(one_shard->raw(name), other_seed->raw(name)));
  // A matrix is drawn at 1/sqrt(fan_in): activations stay of order one at any width.
  const auto values = one_shard->raw(name).to(torch::kFloat64);
  EXPECT_NEAR(values.std().item<double>() * std::sqrt(static_cast<double>(values.size(1))), 1.0, 0.1);
}

TEST(RandomCheckpointPlan, RefusesAConfigWithoutModelType) {
  vlm2vec::testing::TemporaryDirectory temp;
  std::ofstream(temp.path() / "config.json") << "{\"hidden_size\": 8}";
  RandomCheckpointOptions options;
  try {
    RandomCheckpointWriter writer(temp.path().string(), options);
    FAIL() << "expected an error";
  } catch (const vlm2vec::Error& e) {
    EXPECT_NE(std::string(e.what()).find("model_type"), std::string::npos) << e.what();
  }
}

TEST(NaturalOrder, NumbersCompareAsNumbers) {
  using vlm2vec::models::natural_less;
  EXPECT_TRUE(natural_less("model.layers.9.a", "model.layers.10.a"));
  EXPECT_FALSE(natural_less("model.layers.10.a", "model.layers.9.a"));
  EXPECT_TRUE(natural_less("a.1.x", "a.1.y"));
  EXPECT_TRUE(natural_less("a", "a.0"));
  EXPECT_FALSE(natural_less("a", "a"));
}

}  // namespace
