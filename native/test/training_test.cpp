// Training: LoRA/DoRA adapter math, PEFT files, merging, GradCache against the plain step,
// the trainer's resume, and bad input. Tiny random Phi-3.5-V models, text-only batches, fp32 CPU.
#include <gtest/gtest.h>

#include <torch/torch.h>

#include <filesystem>
#include <fstream>
#include <set>

#include <nlohmann/json.hpp>

#include "common/error.h"
#include "io/safetensors.h"
#include "models/layers/lora_adapter.h"
#include "models/model_loader.h"
#include "support/text_batches.h"
#include "support/tiny_model.h"
#include "training/adapters.h"
#include "training/contrastive_step.h"
#include "training/model_writer.h"
#include "training/trainer.h"

namespace {

using vlm2vec::models::EncodeBatch;
using vlm2vec::testing::random_text_batch;
using vlm2vec::models::LoraAdapter;
using vlm2vec::models::LoraSettings;
using vlm2vec::testing::TemporaryDirectory;
using vlm2vec::training::AdapterSpec;
using vlm2vec::training::ContrastiveChunks;

double max_relative(const torch::Tensor& actual, const torch::Tensor& expected) {
  return ((actual - expected).abs().max() / expected.abs().max().clamp_min(1e-30)).item<double>();
}


std::vector<EncodeBatch> chunks_of(const EncodeBatch& batch, int64_t size) {
  std::vector<EncodeBatch> chunks;
  for (int64_t first = 0; first < batch.input_ids.size(0); first += size) {
    const int64_t rows = std::min(size, batch.input_ids.size(0) - first);
    EncodeBatch chunk;
    chunk.input_ids = batch.input_ids.narrow(0, first, rows);
    chunk.attention_mask = batch.attention_mask.narrow(0, first, rows);
    chunks.push_back(chunk);
  }
  return chunks;
}

ContrastiveChunks contrastive(int64_t rows, int64_t negatives, int64_t chunk, uint64_t seed) {
  ContrastiveChunks batch;
  batch.queries = chunks_of(random_text_batch(rows, seed), chunk);
  batch.targets = chunks_of(random_text_batch(rows, seed + 1000), chunk);
  if (negatives > 0) batch.negatives = chunks_of(random_text_batch(negatives, seed + 2000), chunk);
  return batch;
}

// Gives every adapter a random B (and a perturbed magnitude) so all gradients are non-trivial.
void perturb(const std::vector<std::shared_ptr<vlm2vec::models::Linear>>& layers, uint64_t seed) {
  torch::manual_seed(seed);
  torch::NoGradGuard no_grad;
  for (const auto& layer : layers) {
    auto& adapter = *layer->adapter();
    adapter.lora_b().normal_(0.0, 0.05);
    if (adapter.magnitude().defined()) adapter.magnitude().mul_(1.0 + 0.1 * torch::rand_like(adapter.magnitude()));
  }
}

TEST(LoraAdapter, MergedEqualsUnmergedAndGradientsMatchTheFormula) {
  for (const bool dora : {false, true}) {
    torch::manual_seed(1);
    const auto weight = torch::randn({7, 5}), bias = torch::randn({7});
    LoraAdapter adapter(weight, LoraSettings{3, 12.0, 0.0, dora});
    {
      torch::NoGradGuard no_grad;
      adapter.lora_b().normal_();
      if (dora) adapter.magnitude().mul_(1.5);
    }
    const auto x = torch::randn({4, 5});
    const auto out = adapter.forward(x, weight, bias, torch::linear(x, weight, bias));
    const auto merged = torch::linear(x, adapter.merged_weight(weight), bias);
    EXPECT_LT(max_relative(out.detach(), merged), 1e-5) << (dora ? "DoRA" : "LoRA");

    // Gradients of A, B (and m) against autograd of the merged formula with the row norm
    // detached (DoRA section 4.3), in float64.
    const auto grad_out = torch::randn({4, 7});
    out.backward(grad_out);
    auto a = adapter.lora_a().detach().to(torch::kFloat64).requires_grad_(true);
    auto b = adapter.lora_b().detach().to(torch::kFloat64).requires_grad_(true);
    const auto w = weight.to(torch::kFloat64);
    auto adapted = w + 4.0 * b.mm(a);
    torch::Tensor m;
    if (dora) {
      m = adapter.magnitude().detach().to(torch::kFloat64).requires_grad_(true);
      adapted = (m / adapted.detach().norm(2, 1)).view({-1, 1}) * adapted;
    }
    torch::linear(x.to(torch::kFloat64), adapted, bias.to(torch::kFloat64)).backward(grad_out.to(torch::kFloat64));
    EXPECT_LT(max_relative(adapter.lora_a().grad().to(torch::kFloat64), a.grad()), 1e-5);
    EXPECT_LT(max_relative(adapter.lora_b().grad().to(torch::kFloat64), b.grad()), 1e-5);
    if (dora) EXPECT_LT(max_relative(adapter.magnitude().grad().to(torch::kFloat64), m.grad()), 1e-5);
  }
}

TEST(LoraAdapter, InitialisesLikePeftGaussian) {
  torch::manual_seed(2);
  const auto weight = torch::randn({64, 32});
  LoraAdapter adapter(weight, LoraSettings{8, 16.0, 0.1, true});
  EXPECT_TRUE(torch::equal(adapter.lora_b(), torch::zeros({64, 8})));
  EXPECT_NEAR(adapter.lora_a().std().item<double>(), 1.0 / 8, 0.02);
  EXPECT_TRUE(torch::allclose(adapter.magnitude(), weight.norm(2, 1)));
  // Fresh adapters change nothing.
  const auto x = torch::randn({3, 32});
  adapter.eval();
  EXPECT_TRUE(torch::allclose(adapter.forward(x, weight, {}, torch::linear(x, weight)), torch::linear(x, weight)));
}

TEST(Adapters, PeftFilesRoundTripAndMergeEqualsUnmerged) {
  TemporaryDirectory dir;
  const auto model_dir = vlm2vec::testing::write_tiny_phi3v(dir.path(), 5);
  auto model = vlm2vec::models::load_model(model_dir.string(), torch::kFloat32, torch::kCPU);
  AdapterSpec spec{LoraSettings{4, 8.0, 0.1, true}, vlm2vec::training::default_targets("phi3_v")};
  const auto layers = vlm2vec::training::attach_adapters(*model, spec);
  ASSERT_FALSE(layers.empty());
  perturb(layers, 6);
  const auto batch = random_text_batch(3, 7);
  const auto adapted = model->encode(batch, true);
  vlm2vec::training::save_peft_adapter((dir.path() / "adapter").string(), spec, layers, model_dir.string());

  const auto config = nlohmann::json::parse(std::ifstream(dir.path() / "adapter" / "adapter_config.json"));
  EXPECT_EQ(config.at("peft_type"), "LORA");
  EXPECT_EQ(config.at("r"), 4);
  EXPECT_EQ(config.at("lora_alpha"), 8.0);
  EXPECT_EQ(config.at("lora_dropout"), 0.1);
  EXPECT_EQ(config.at("use_dora"), true);
  EXPECT_EQ(config.at("target_modules").size(), spec.targets.size());
  const auto file = vlm2vec::io::SafetensorsFile::open((dir.path() / "adapter" / "adapter_model.safetensors").string());
  EXPECT_TRUE(file->contains("base_model.model.model.layers.0.self_attn.qkv_proj.lora_A.weight"));
  EXPECT_TRUE(file->contains("base_model.model.model.layers.1.mlp.down_proj.lora_B.weight"));
  EXPECT_TRUE(file->contains("base_model.model.model.layers.0.mlp.gate_up_proj.lora_magnitude_vector"));
  EXPECT_EQ(file->entries().size(), layers.size() * 3);

  auto fresh = vlm2vec::models::load_model(model_dir.string(), torch::kFloat32, torch::kCPU);
  const auto base = fresh->encode(batch, true);
  EXPECT_GT((base - adapted).abs().max().item<double>(), 1e-4) << "the adapter must change the embedding";
  vlm2vec::training::load_peft_adapter((dir.path() / "adapter").string(), *fresh);
  EXPECT_TRUE(torch::allclose(fresh->encode(batch, true), adapted, 1e-6, 1e-6));
  vlm2vec::training::merge_adapters(*fresh);
  for (const auto& layer : vlm2vec::training::linear_layers(*fresh)) EXPECT_EQ(layer->adapter(), nullptr);
  EXPECT_TRUE(torch::allclose(fresh->encode(batch, true), adapted, 1e-5, 1e-5));
}

TEST(Adapters, UnknownTargetOrForeignKeyIsNamed) {
  TemporaryDirectory dir;
  const auto model_dir = vlm2vec::testing::write_tiny_phi3v(dir.path(), 8);
  auto model = vlm2vec::models::load_model(model_dir.string(), torch::kFloat32, torch::kCPU);
  try {
    vlm2vec::training::attach_adapters(*model, AdapterSpec{LoraSettings{}, {"qkv_proj", "w_pack"}});
    FAIL() << "unknown target accepted";
  } catch (const vlm2vec::Error& e) {
    EXPECT_NE(std::string(e.what()).find("LoRA target 'w_pack' matches no linear layer"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("qkv_proj"), std::string::npos) << e.what();
  }
  for (const auto& layer : vlm2vec::training::linear_layers(*model)) EXPECT_EQ(layer->adapter(), nullptr);
}

struct GradCacheCase {
  const char* name;
  bool full;
  bool dora;
  double dropout;
};

class GradCacheEquality : public ::testing::TestWithParam<GradCacheCase> {};

// The parameter gradients of a GradCache step equal those of the plain step over the same
// chunks (same dropout masks), for LoRA, DoRA and full fine-tuning, with dropout active.
TEST_P(GradCacheEquality, ParameterGradientsEqualThePlainStep) {
  const auto c = GetParam();
  TemporaryDirectory dir;
  const auto model_dir = vlm2vec::testing::write_tiny_phi3v(dir.path(), 9);
  auto model = vlm2vec::models::load_model(model_dir.string(), torch::kFloat32, torch::kCPU);
  std::vector<torch::Tensor> parameters;
  if (c.full) {
    for (auto& p : dynamic_cast<torch::nn::Module&>(*model).parameters()) {
      p.set_requires_grad(true);
      parameters.push_back(p);
    }
  } else {
    const auto layers = vlm2vec::training::attach_adapters(
        *model, AdapterSpec{LoraSettings{4, 8.0, c.dropout, c.dora}, vlm2vec::training::default_targets("phi3_v")});
    perturb(layers, 10);
    parameters = vlm2vec::training::adapter_parameters(layers);
  }
  auto& module = dynamic_cast<torch::nn::Module&>(*model);
  module.train(true);
  const auto batch = contrastive(6, 3, 2, 11);

  auto gradients = [&](bool grad_cache) {
    for (auto& p : parameters) p.mutable_grad() = torch::Tensor();
    torch::manual_seed(12);
    const auto loss = vlm2vec::training::contrastive_backward(*model, batch, 0.05, grad_cache);
    std::vector<torch::Tensor> grads;
    for (auto& p : parameters) grads.push_back(p.grad().defined() ? p.grad().clone() : torch::zeros_like(p));
    return std::make_pair(loss.loss, grads);
  };
  const auto [plain_loss, plain] = gradients(false);
  const auto [cached_loss, cached] = gradients(true);
  EXPECT_NEAR(plain_loss, cached_loss, 1e-6);
  double worst = 0.0, largest = 0.0;
  for (size_t i = 0; i < plain.size(); ++i) {
    worst = std::max(worst, (plain[i] - cached[i]).abs().max().item<double>());
    largest = std::max(largest, plain[i].abs().max().item<double>());
  }
  ASSERT_GT(largest, 0.0);
  EXPECT_LT(worst / largest, 1e-4) << c.name;
}

INSTANTIATE_TEST_SUITE_P(Modes, GradCacheEquality,
                         ::testing::Values(GradCacheCase{"lora", false, false, 0.1}, GradCacheCase{"dora", false, true, 0.1},
                                           GradCacheCase{"full", true, false, 0.0}),
                         [](const auto& info) { return std::string(info.param.name); });

TEST(GradCache, ChunkingDoesNotChangeGradientsWithoutDropout) {
  TemporaryDirectory dir;
  const auto model_dir = vlm2vec::testing::write_tiny_phi3v(dir.path(), 13);
  auto model = vlm2vec::models::load_model(model_dir.string(), torch::kFloat32, torch::kCPU);
  const auto layers = vlm2vec::training::attach_adapters(
      *model, AdapterSpec{LoraSettings{4, 8.0, 0.0, true}, {"qkv_proj", "down_proj"}});
  perturb(layers, 14);
  const auto parameters = vlm2vec::training::adapter_parameters(layers);
  auto run = [&](int64_t chunk, bool grad_cache) {
    for (auto p : parameters) p.mutable_grad() = torch::Tensor();
    vlm2vec::training::contrastive_backward(*model, contrastive(5, 0, chunk, 15), 0.02, grad_cache);
    std::vector<torch::Tensor> grads;
    for (const auto& p : parameters) grads.push_back(p.grad().clone());
    return grads;
  };
  const auto whole = run(5, false), chunked = run(2, true);
  for (size_t i = 0; i < whole.size(); ++i) EXPECT_LT(max_relative(chunked[i], whole[i]), 1e-4) << i;
}

vlm2vec::training::TrainerOptions small_options() {
  vlm2vec::training::TrainerOptions options;
  options.learning_rate = 5e-3;
  options.warmup_steps = 1;
  options.total_steps = 6;
  options.temperature = 0.05;
  options.adapter = AdapterSpec{LoraSettings{4, 8.0, 0.1, true}, {"qkv_proj", "o_proj", "gate_up_proj", "down_proj"}};
  options.seed = 3;
  return options;
}

TEST(Trainer, ResumingGivesTheSameLossesAsAnUninterruptedRun) {
  TemporaryDirectory dir;
  const auto model_dir = vlm2vec::testing::write_tiny_phi3v(dir.path(), 16);
  std::vector<ContrastiveChunks> batches;
  for (uint64_t i = 0; i < 4; ++i) batches.push_back(contrastive(4, 2, 2, 20 + i));

  auto model = vlm2vec::models::load_model(model_dir.string(), torch::kFloat32, torch::kCPU);
  vlm2vec::training::Trainer straight(*model, small_options());
  std::vector<double> losses;
  for (const auto& batch : batches) losses.push_back(straight.step(batch).loss);

  auto first_model = vlm2vec::models::load_model(model_dir.string(), torch::kFloat32, torch::kCPU);
  vlm2vec::training::Trainer first(*first_model, small_options());
  first.step(batches[0]);
  first.step(batches[1]);
  const auto checkpoint = (dir.path() / "checkpoint-2").string();
  first.save(checkpoint, model_dir.string());

  auto second_model = vlm2vec::models::load_model(model_dir.string(), torch::kFloat32, torch::kCPU);
  vlm2vec::training::Trainer second(*second_model, small_options());
  second.resume(checkpoint);
  EXPECT_EQ(second.steps_done(), 2);
  EXPECT_DOUBLE_EQ(second.step(batches[2]).loss, losses[2]);
  EXPECT_DOUBLE_EQ(second.step(batches[3]).loss, losses[3]);
}

TEST(Trainer, LossFallsOnARepeatedBatchAndScheduleIsLinear) {
  TemporaryDirectory dir;
  const auto model_dir = vlm2vec::testing::write_tiny_phi3v(dir.path(), 17);
  auto model = vlm2vec::models::load_model(model_dir.string(), torch::kFloat32, torch::kCPU);
  auto options = small_options();
  options.total_steps = 12;
  options.warmup_steps = 2;
  options.learning_rate = 2e-2;
  vlm2vec::training::Trainer trainer(*model, options);
  EXPECT_DOUBLE_EQ(trainer.learning_rate_at(0), 0.0);  // Hugging Face's schedule: 0 at the first step
  EXPECT_DOUBLE_EQ(trainer.learning_rate_at(1), 1e-2);
  EXPECT_DOUBLE_EQ(trainer.learning_rate_at(2), 2e-2);
  EXPECT_DOUBLE_EQ(trainer.learning_rate_at(7), 1e-2);
  EXPECT_DOUBLE_EQ(trainer.learning_rate_at(12), 0.0);
  const auto batch = contrastive(6, 0, 3, 30);
  const double first = trainer.step(batch).loss;
  double last = first;
  for (int i = 0; i < 9; ++i) last = trainer.step(batch).loss;
  EXPECT_LT(last, 0.7 * first) << "first " << first << " last " << last;
}

TEST(Trainer, BadInputIsNamedAndCheckpointsSurviveFailedSaves) {
  TemporaryDirectory dir;
  const auto model_dir = vlm2vec::testing::write_tiny_phi3v(dir.path(), 18);
  auto model = vlm2vec::models::load_model(model_dir.string(), torch::kFloat32, torch::kCPU);
  vlm2vec::training::Trainer trainer(*model, small_options());
  auto mismatched = contrastive(4, 0, 2, 40);
  mismatched.targets.pop_back();
  try {
    trainer.step(mismatched);
    FAIL() << "mismatched batch accepted";
  } catch (const vlm2vec::Error& e) {
    EXPECT_NE(std::string(e.what()).find("4 queries but 2 targets"), std::string::npos) << e.what();
  }
  EXPECT_EQ(trainer.steps_done(), 0);

  trainer.step(contrastive(4, 0, 2, 41));
  const auto good = (dir.path() / "checkpoint-1").string();
  trainer.save(good, model_dir.string());
  const auto before = std::filesystem::file_size(good + "/adapter_model.safetensors");
  // A checkpoint path under a regular file cannot be created.
  std::ofstream(dir.path() / "not-a-directory") << "x";
  EXPECT_THROW(trainer.save((dir.path() / "not-a-directory" / "checkpoint-2").string(), model_dir.string()),
               vlm2vec::Error);
  EXPECT_EQ(std::filesystem::file_size(good + "/adapter_model.safetensors"), before);
  // Overwriting a checkpoint replaces it whole.
  trainer.step(contrastive(4, 0, 2, 42));
  trainer.save(good, model_dir.string());
  EXPECT_FALSE(std::filesystem::exists(good + ".partial"));
  EXPECT_FALSE(std::filesystem::exists(good + ".old"));
  const auto state = nlohmann::json::parse(std::ifstream(good + "/trainer_state.json"));
  EXPECT_EQ(state.at("step"), 2);
}

TEST(ModelWriter, MergedModelDirectoryEncodesLikeBasePlusAdapter) {
  TemporaryDirectory dir;
  const auto model_dir = vlm2vec::testing::write_tiny_phi3v(dir.path(), 50);
  auto model = vlm2vec::models::load_model(model_dir.string(), torch::kFloat32, torch::kCPU);
  const auto layers = vlm2vec::training::attach_adapters(
      *model, AdapterSpec{LoraSettings{4, 8.0, 0.0, true}, vlm2vec::training::default_targets("phi3_v")});
  perturb(layers, 51);
  const auto batch = random_text_batch(3, 52);
  const auto adapted = model->encode(batch, true);
  vlm2vec::training::merge_adapters(*model);
  EXPECT_THROW(vlm2vec::training::save_model_directory(*model, model_dir.string()), vlm2vec::Error);
  const auto merged_dir = (dir.path() / "merged").string();
  vlm2vec::training::save_model_directory(*model, merged_dir);
  EXPECT_TRUE(std::filesystem::exists(merged_dir + "/config.json"));
  EXPECT_TRUE(std::filesystem::exists(merged_dir + "/tokenizer.json"));
  EXPECT_FALSE(std::filesystem::exists(merged_dir + ".partial"));
  auto merged = vlm2vec::models::load_model(merged_dir, torch::kFloat32, torch::kCPU);
  EXPECT_TRUE(torch::allclose(merged->encode(batch, true), adapted, 1e-5, 1e-5));
  // The source directory is untouched.
  auto base = vlm2vec::models::load_model(model_dir.string(), torch::kFloat32, torch::kCPU);
  EXPECT_GT((base->encode(batch, true) - adapted).abs().max().item<double>(), 1e-4);

  // Past the shard size the model is written as Hugging Face shards with their index, and
  // loads the same (a merged 7B fp32 model in one 30 GB file could not be reopened here).
  const auto sharded_dir = (dir.path() / "sharded").string();
  vlm2vec::training::save_model_directory(*model, sharded_dir, 64 * 1024);
  EXPECT_FALSE(std::filesystem::exists(sharded_dir + "/model.safetensors"));
  const auto index = nlohmann::json::parse(std::ifstream(sharded_dir + "/model.safetensors.index.json"));
  std::set<std::string> files;
  for (const auto& [name, file] : index.at("weight_map").items()) files.insert(file.get<std::string>());
  EXPECT_GT(files.size(), 2u);
  for (const auto& file : files) {
    EXPECT_TRUE(std::filesystem::exists(sharded_dir + "/" + file)) << file;
    EXPECT_LE(std::filesystem::file_size(sharded_dir + "/" + file), 2 * 64 * 1024 + 65536u) << file;
  }
  EXPECT_NE(files.count("model-00001-of-" + std::string(5 - std::to_string(files.size()).size(), '0') +
                        std::to_string(files.size()) + ".safetensors"), 0u);
  auto sharded = vlm2vec::models::load_model(sharded_dir, torch::kFloat32, torch::kCPU);
  EXPECT_TRUE(torch::equal(sharded->encode(batch, true), merged->encode(batch, true)));
}

TEST(Trainer, FullFineTuningSavesAModelDirectoryAndResumesExactly) {
  TemporaryDirectory dir;
  const auto model_dir = vlm2vec::testing::write_tiny_phi3v(dir.path(), 53);
  auto options = small_options();
  options.full = true;
  options.learning_rate = 1e-3;
  std::vector<ContrastiveChunks> batches;
  for (uint64_t i = 0; i < 3; ++i) batches.push_back(contrastive(4, 0, 2, 60 + i));

  auto straight_model = vlm2vec::models::load_model(model_dir.string(), torch::kFloat32, torch::kCPU);
  vlm2vec::training::Trainer straight(*straight_model, options);
  std::vector<double> losses;
  for (const auto& batch : batches) losses.push_back(straight.step(batch).loss);

  auto first_model = vlm2vec::models::load_model(model_dir.string(), torch::kFloat32, torch::kCPU);
  vlm2vec::training::Trainer first(*first_model, options);
  first.step(batches[0]);
  first.step(batches[1]);
  const auto checkpoint = (dir.path() / "checkpoint-2").string();
  first.save(checkpoint, model_dir.string());
  auto saved = vlm2vec::models::load_model(checkpoint + "/model", torch::kFloat32, torch::kCPU);
  const auto probe = random_text_batch(2, 70);
  EXPECT_TRUE(torch::allclose(saved->encode(probe, true), first_model->encode(probe, true), 1e-6, 1e-6));

  auto second_model = vlm2vec::models::load_model(model_dir.string(), torch::kFloat32, torch::kCPU);
  vlm2vec::training::Trainer second(*second_model, options);
  second.resume(checkpoint);
  EXPECT_DOUBLE_EQ(second.step(batches[2]).loss, losses[2]);
}

}  // namespace
