// Encode throughput of a small Phi-3.5-V configuration on this machine, and how close the
// language model part comes to the sgemm rate libtorch reaches here in the same run.
//
//   vlm2vec_encode_bench [--batches 1,8,32] [--threads N]
//
// Model: LM hidden 512, 8 layers, 8 heads, MLP 1536, vocab 32064; CLIP 336 px / patch 14,
// width 512, 6 layers (5 run: feature layer -2); 1 sub-crop + the global view per image.
// Each query: BOS, 313 image tokens, 16 text tokens.
#include <torch/torch.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

#include "models/model_loader.h"
#include "models/phi3v_image_embedding.h"
#include "models/phi3v_model.h"
#include "models/tiny_checkpoint.h"

namespace {

using Clock = std::chrono::steady_clock;

constexpr int64_t kHidden = 512, kLayers = 8, kHeads = 8, kIntermediate = 1536, kVocab = 32064;
constexpr int64_t kTextTokens = 16;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// Multiply-adds of the LM for one sequence of length s: the four projections per token, and
// the two attention products over the causal prefix (s*(s+1)/2 pairs).
double lm_flops(int64_t s) {
  const double per_token = 2.0 * (kHidden * 3 * kHidden + kHidden * kHidden + kHidden * 2 * kIntermediate + kIntermediate * kHidden);
  const double attention = 2.0 * 2.0 * kHidden * (s * (s + 1) / 2.0);
  return kLayers * (per_token * s + attention);
}

vlm2vec::models::EncodeBatch make_batch(int64_t batch_size, int64_t image_tokens) {
  const int64_t length = 1 + image_tokens + kTextTokens;
  vlm2vec::models::EncodeBatch batch;
  batch.input_ids = torch::randint(3, 400, {batch_size, length}, torch::kLong);
  batch.input_ids.select(1, 0).fill_(1);
  batch.input_ids.narrow(1, 1, image_tokens).fill_(-1);
  batch.attention_mask = torch::ones({batch_size, length}, torch::kLong);
  batch.pixel_values = torch::randn({batch_size, 2, 3, 336, 336});
  batch.image_sizes = torch::tensor({336, 336}, torch::kLong).repeat({batch_size, 1});
  return batch;
}

double sgemm_gflops(int64_t m) {
  const auto a = torch::randn({m, kHidden}), b = torch::randn({kHidden, 2 * kIntermediate});
  torch::mm(a, b);
  const int reps = 10;
  const auto start = Clock::now();
  for (int i = 0; i < reps; ++i) torch::mm(a, b);
  return 2.0 * m * kHidden * 2 * kIntermediate * reps / seconds_since(start) / 1e9;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<int64_t> batches{1, 8, 32};
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    if (flag == "--threads") {
      at::set_num_threads(std::atoi(argv[i + 1]));
    } else if (flag == "--batches") {
      batches.clear();
      std::stringstream list(argv[i + 1]);
      for (std::string item; std::getline(list, item, ',');) batches.push_back(std::stoll(item));
    }
  }
  torch::NoGradGuard no_grad;
  torch::manual_seed(0);
  const auto directory = std::filesystem::temp_directory_path() / "vlm2vec-bench-small-phi3v";
  vlm2vec::models::TinyPhi3VOptions options;
  options.image_size = 336, options.clip_hidden = 512, options.clip_layers = 6, options.clip_heads = 8;
  options.clip_intermediate = 2048, options.hidden = kHidden, options.layers = kLayers, options.heads = kHeads;
  options.kv_heads = kHeads, options.intermediate = kIntermediate, options.vocab = kVocab, options.num_crops = 1;
  vlm2vec::models::write_tiny_phi3v(directory.string(), options);
  const auto model = vlm2vec::models::load_model(directory.string(), torch::kFloat32, torch::kCPU);
  const auto& phi3v = dynamic_cast<const vlm2vec::models::Phi3VModel&>(*model);
  const int64_t image_tokens = vlm2vec::models::Phi3VImageEmbedding::token_count(1, 1, 12);
  const int64_t length = 1 + image_tokens + kTextTokens;

  std::printf("small Phi-3.5-V (LM 512 x 8, CLIP 512 x 6 @ 336 px, 2 crops), fp32, CPU, %d threads, %ld tokens/query\n",
              at::get_num_threads(), static_cast<long>(length));
  std::printf("| batch | queries/s | ms/query | LM GFLOP/s | sgemm GFLOP/s | LM / sgemm |\n");
  std::printf("|---:|---:|---:|---:|---:|---:|\n");
  for (const int64_t batch_size : batches) {
    const auto batch = make_batch(batch_size, image_tokens);
    model->encode(batch, true);  // warm-up
    const int reps = batch_size >= 32 ? 1 : batch_size >= 8 ? 2 : 5;
    auto start = Clock::now();
    for (int i = 0; i < reps; ++i) model->encode(batch, true);
    const double per_batch = seconds_since(start) / reps;
    const auto embeds = phi3v.input_embeddings(batch);
    start = Clock::now();
    for (int i = 0; i < reps; ++i) phi3v.decoder().forward(embeds, batch.attention_mask);
    const double lm_seconds = seconds_since(start) / reps;
    const double lm_rate = lm_flops(length) * batch_size / lm_seconds / 1e9;
    const double peak = sgemm_gflops(batch_size * length);
    std::printf("| %ld | %.2f | %.1f | %.1f | %.1f | %.0f%% |\n", static_cast<long>(batch_size), batch_size / per_batch,
                1000.0 * per_batch / batch_size, lm_rate, peak, 100.0 * lm_rate / peak);
    std::fflush(stdout);
  }
  std::filesystem::remove_all(directory);
  return 0;
}
