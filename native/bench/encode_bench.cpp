// Encode throughput of small Phi-3.5-V, LLaVA-NeXT and Qwen2-VL configurations on this
// machine, and how close the language model and the vision tower come to the rate libtorch's
// linear layer reaches here, in the same dtype and run, on their main shapes (the roofline the
// issue tracker's goals are stated against: LM >= 60%, vision >= 70% at batch >= 4).
//
//   vlm2vec_encode_bench [--arch phi3v|llava-next|qwen2vl|all] [--batches 1,8,32] [--threads N]
//                        [--dtype fp32|bf16] [--profile] [--json FILE]
//
// --profile adds, per model at its largest batch, the operators by self time and the share of
// matrix products (mm, addmm, bmm, convolution) in the encode pass.
//
// All: LM hidden 512, 8 layers, 8 heads, MLP 1536, vocab 32064. Each query is the image tokens
// of one 336 x 336 image and 16 text tokens (BOS first for the two with one).
//   Phi-3.5-V: CLIP 336 px / patch 14, width 512, 6 layers (5 run: feature layer -2); 8 KV
//     heads, num_crops 1: global view + 1 sub-crop, 313 image tokens.
//   LLaVA-NeXT: the same CLIP; 2 KV heads (GQA), real pinpoints: base view + 1 x 2 tiles,
//     1176 image tokens.
//   Qwen2-VL: vision tower width 512, 8 heads, 6 blocks over 24 x 24 patches of 14 px (576
//     patches, block-diagonal attention per image), merged 2 x 2 into 144 image tokens; 2 KV
//     heads, biased q/k/v, 1-D M-RoPE positions (a VLM2Vec-V2 prompt). Its LM row times the
//     decoder with 1-D rotary tables, the same arithmetic as the M-RoPE ones.
#include <torch/torch.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include <fstream>

#include "op_profile.h"
#include "models/llava_next/anyres.h"
#include "models/llava_next/llava_next_model.h"
#include "models/model_loader.h"
#include "models/phi3v/phi3v_image_embedding.h"
#include "models/phi3v/phi3v_model.h"
#include "models/phi3v/tiny_phi3v.h"
#include "models/llava_next/tiny_llava_next.h"
#include "models/qwen2vl/qwen2vl_model.h"
#include "models/qwen2vl/tiny_qwen2vl.h"

namespace {

using Clock = std::chrono::steady_clock;

constexpr int64_t kHidden = 512, kLayers = 8, kHeads = 8, kIntermediate = 1536, kVocab = 32064;
int64_t kv_heads = kHeads;  // per architecture
constexpr int64_t kTextTokens = 16;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// Multiply-adds of the LM for one sequence of length s: the four projections per token, and
// the two attention products over the causal prefix (s*(s+1)/2 pairs).
double lm_flops(int64_t s) {
  const int64_t kv_width = kv_heads * (kHidden / kHeads);
  const double per_token = 2.0 * (kHidden * (kHidden + 2 * kv_width) + kHidden * kHidden + kHidden * 2 * kIntermediate +
                                  kIntermediate * kHidden);
  const double attention = 2.0 * 2.0 * kHidden * (s * (s + 1) / 2.0);
  return kLayers * (per_token * s + attention);
}

constexpr int64_t kQwenGrid = 24;  // patches per side of a 336 px image

// A VLM2Vec-V2 query: <|image_pad|> x tokens, then text; one patch image per row.
vlm2vec::models::EncodeBatch make_patch_batch(int64_t batch_size, int64_t image_tokens, int64_t placeholder) {
  vlm2vec::models::EncodeBatch batch;
  batch.input_ids = torch::randint(3, 400, {batch_size, image_tokens + kTextTokens}, torch::kLong);
  batch.input_ids.narrow(1, 0, image_tokens).fill_(placeholder);
  batch.attention_mask = torch::ones_like(batch.input_ids);
  batch.pixel_values = torch::randn({batch_size * kQwenGrid * kQwenGrid, 1176});
  batch.image_grid_thw = torch::tensor({1L, kQwenGrid, kQwenGrid}, torch::kLong).repeat({batch_size, 1});
  batch.image_sizes = torch::tensor({336, 336}, torch::kLong).repeat({batch_size, 1});
  batch.left_padded = true;
  return batch;
}

vlm2vec::models::EncodeBatch make_batch(int64_t batch_size, int64_t image_tokens, int64_t placeholder, int64_t views) {
  if (views == 0) return make_patch_batch(batch_size, image_tokens, placeholder);
  const int64_t length = 1 + image_tokens + kTextTokens;
  vlm2vec::models::EncodeBatch batch;
  batch.input_ids = torch::randint(3, 400, {batch_size, length}, torch::kLong);
  batch.input_ids.select(1, 0).fill_(1);
  batch.input_ids.narrow(1, 1, image_tokens).fill_(placeholder);
  batch.attention_mask = torch::ones({batch_size, length}, torch::kLong);
  batch.pixel_values = torch::randn({batch_size, views, 3, 336, 336});
  batch.image_sizes = torch::tensor({336, 336}, torch::kLong).repeat({batch_size, 1});
  return batch;
}

torch::ScalarType dtype = torch::kFloat32;

// torch::linear of [m, in] by [out, in] in the bench's dtype: the roofline a layer of that shape has here.
double linear_gflops(int64_t m, int64_t in, int64_t out) {
  const auto x = torch::randn({m, in}).to(dtype), w = torch::randn({out, in}).to(dtype);
  torch::linear(x, w);
  const int reps = 5;
  const auto start = Clock::now();
  for (int i = 0; i < reps; ++i) torch::linear(x, w);
  return 2.0 * m * in * out * reps / seconds_since(start) / 1e9;
}

// Multiply-adds of a pre-LN ViT over tokens per image, width h, MLP width mlp, the layers run.
double vit_flops(int64_t tokens, int64_t h, int64_t mlp, int64_t layers) {
  return layers * (2.0 * tokens * (4.0 * h * h + 2.0 * h * mlp) + 2.0 * 2.0 * h * tokens * tokens);
}

struct Candidate {
  std::string name;
  std::unique_ptr<vlm2vec::models::EmbeddingModel> model;
  int64_t image_tokens, placeholder, views, kv_heads;
  double vision_flops = 0;                 // per query
  int64_t vision_tokens = 0, vision_width = 512, vision_mlp = 2048;  // per image, for the linear roofline
};

constexpr int64_t kClipTokens = 577, kClipLayersRun = 5, kVisionWidth = 512, kVisionMlp = 2048;

Candidate build(const std::string& arch, const std::filesystem::path& directory) {
  if (arch == "phi3v") {
    vlm2vec::models::TinyPhi3VOptions o;
    o.image_size = 336, o.clip_hidden = 512, o.clip_layers = 6, o.clip_heads = 8, o.clip_intermediate = 2048;
    o.hidden = kHidden, o.layers = kLayers, o.heads = kHeads, o.kv_heads = kHeads, o.intermediate = kIntermediate;
    o.vocab = kVocab, o.num_crops = 1;
    vlm2vec::models::write_tiny_phi3v(directory.string(), o);
    return {"Phi-3.5-V", vlm2vec::models::load_model(directory.string(), dtype, torch::kCPU),
            vlm2vec::models::Phi3VImageEmbedding::token_count(1, 1, 12), -1, 2, kHeads,
            2 * vit_flops(kClipTokens, kVisionWidth, kVisionMlp, kClipLayersRun), 2 * kClipTokens};
  }
  if (arch == "qwen2vl") {
    vlm2vec::models::qwen2vl::TinyQwen2VlOptions o;
    o.hidden = kHidden, o.layers = kLayers, o.heads = kHeads, o.kv_heads = 2, o.intermediate = kIntermediate;
    o.vocab = kVocab, o.vision_depth = 6, o.vision_embed = 512, o.vision_heads = 8;
    vlm2vec::models::qwen2vl::write_tiny_qwen2vl(directory.string(), o);
    // views 0: patches. <|image_pad|> sits at vocab - 12 + 6.
    const int64_t patches = kQwenGrid * kQwenGrid, merged = 4 * kVisionWidth;
    const double merger = 2.0 * (patches / 4) * (merged * merged + merged * kHidden);
    return {"Qwen2-VL", vlm2vec::models::load_model(directory.string(), dtype, torch::kCPU),
            kQwenGrid * kQwenGrid / 4, kVocab - 6, 0, 2,
            vit_flops(patches, kVisionWidth, 4 * kVisionWidth, 6) + 2.0 * patches * 1176 * kVisionWidth + merger, patches};
  }
  vlm2vec::models::TinyLlavaNextOptions o;
  o.image_size = 336, o.clip_hidden = 512, o.clip_layers = 6, o.clip_heads = 8, o.clip_intermediate = 2048;
  o.hidden = kHidden, o.layers = kLayers, o.heads = kHeads, o.kv_heads = 2, o.intermediate = kIntermediate, o.vocab = kVocab;
  vlm2vec::models::write_tiny_llava_next(directory.string(), o);
  const std::vector<vlm2vec::models::Resolution> pinpoints{{336, 672}, {672, 336}, {672, 672}, {1008, 336}, {336, 1008}};
  const auto layout = vlm2vec::models::anyres_layout(336, 336, pinpoints, 336, 24);
  return {"LLaVA-NeXT", vlm2vec::models::load_model(directory.string(), dtype, torch::kCPU),
          layout.token_count(24), kVocab - 12, layout.num_patches(), 2,
          layout.num_patches() * vit_flops(kClipTokens, kVisionWidth, kVisionMlp, kClipLayersRun),
          layout.num_patches() * kClipTokens};
}

const vlm2vec::models::Decoder& decoder_of(const vlm2vec::models::EmbeddingModel& model) {
  if (const auto* qwen = dynamic_cast<const vlm2vec::models::qwen2vl::Qwen2VlModel*>(&model)) return qwen->decoder();
  if (const auto* phi3v = dynamic_cast<const vlm2vec::models::Phi3VModel*>(&model)) return phi3v->decoder();
  return dynamic_cast<const vlm2vec::models::LlavaNextModel&>(model).decoder();
}

torch::Tensor input_embeddings_of(const vlm2vec::models::EmbeddingModel& model, const vlm2vec::models::EncodeBatch& batch) {
  if (const auto* qwen = dynamic_cast<const vlm2vec::models::qwen2vl::Qwen2VlModel*>(&model)) {
    return qwen->input_embeddings(batch.input_ids, batch.pixel_values, batch.image_grid_thw);
  }
  if (const auto* phi3v = dynamic_cast<const vlm2vec::models::Phi3VModel*>(&model)) return phi3v->input_embeddings(batch);
  return dynamic_cast<const vlm2vec::models::LlavaNextModel&>(model).input_embeddings(batch);
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<int64_t> batches{1, 8, 32};
  std::vector<std::string> archs{"phi3v", "llava-next", "qwen2vl"};
  bool profile = false;
  std::string json_path;
  for (int i = 1; i < argc; ++i) {
    const std::string flag = argv[i];
    const bool has_value = i + 1 < argc;
    if (flag == "--threads" && has_value) {
      at::set_num_threads(std::atoi(argv[++i]));
    } else if (flag == "--arch" && has_value) {
      const std::string arch = argv[++i];
      if (arch != "all" && arch != "both") archs = {arch};
    } else if (flag == "--batches" && has_value) {
      batches.clear();
      std::stringstream list(argv[++i]);
      for (std::string item; std::getline(list, item, ',');) batches.push_back(std::stoll(item));
    } else if (flag == "--dtype" && has_value) {
      const std::string name = argv[++i];
      dtype = name == "bf16" ? torch::kBFloat16 : torch::kFloat32;
    } else if (flag == "--profile") {
      profile = true;
    } else if (flag == "--json" && has_value) {
      json_path = argv[++i];
    } else {
      std::fprintf(stderr, "usage: vlm2vec_encode_bench [--arch phi3v|llava-next|qwen2vl|all] [--batches 1,8,32]"
                           " [--threads N] [--dtype fp32|bf16] [--profile] [--json FILE]\n(unknown flag %s)\n", flag.c_str());
      return 2;
    }
  }
  torch::NoGradGuard no_grad;
  torch::manual_seed(0);
  const char* dtype_name = dtype == torch::kBFloat16 ? "bf16" : "fp32";
  std::printf("%s, CPU, %d threads; LM 512 x 8 layers, vision 512 x 6 layers @ 336 px\n", dtype_name, at::get_num_threads());
  std::printf("| model | batch | tokens/query | queries/s | ms/query | LM GFLOP/s | linear GFLOP/s | LM / linear |"
              " vision GFLOP/s | linear GFLOP/s | vision / linear |\n");
  std::printf("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
  nlohmann::ordered_json report = {{"dtype", dtype_name}, {"threads", at::get_num_threads()}, {"rows", nlohmann::ordered_json::array()}};
  for (const auto& arch : archs) {
    const auto directory = std::filesystem::temp_directory_path() / ("vlm2vec-bench-" + arch);
    auto candidate = build(arch, directory);
    kv_heads = candidate.kv_heads;
    const int64_t length = (candidate.views == 0 ? 0 : 1) + candidate.image_tokens + kTextTokens;
    for (const int64_t batch_size : batches) {
      auto batch = make_batch(batch_size, candidate.image_tokens, candidate.placeholder, candidate.views);
      if (batch.pixel_values.defined()) batch.pixel_values = batch.pixel_values.to(dtype);
      candidate.model->encode(batch, true);  // warm-up
      const int reps = batch_size >= 32 ? 1 : batch_size >= 8 ? 2 : 5;
      auto start = Clock::now();
      for (int i = 0; i < reps; ++i) candidate.model->encode(batch, true);
      const double per_batch = seconds_since(start) / reps;
      start = Clock::now();
      torch::Tensor embeds;
      for (int i = 0; i < reps; ++i) embeds = input_embeddings_of(*candidate.model, batch);
      // The vision tower with the projector and the token embedding: a slight overcount of its time.
      const double vision_rate = candidate.vision_flops * batch_size / (seconds_since(start) / reps) / 1e9;
      start = Clock::now();
      for (int i = 0; i < reps; ++i) decoder_of(*candidate.model).forward(embeds, batch.attention_mask);
      const double lm_rate = lm_flops(length) * batch_size / (seconds_since(start) / reps) / 1e9;
      const double lm_peak = linear_gflops(batch_size * length, kHidden, 2 * kIntermediate);
      const double vision_peak = linear_gflops(batch_size * candidate.vision_tokens, candidate.vision_width, candidate.vision_mlp);
      std::printf("| %s | %ld | %ld | %.2f | %.1f | %.1f | %.1f | %.0f%% | %.1f | %.1f | %.0f%% |\n", candidate.name.c_str(),
                  static_cast<long>(batch_size), static_cast<long>(length), batch_size / per_batch,
                  1000.0 * per_batch / batch_size, lm_rate, lm_peak, 100.0 * lm_rate / lm_peak, vision_rate, vision_peak,
                  100.0 * vision_rate / vision_peak);
      std::fflush(stdout);
      nlohmann::ordered_json row = {{"model", candidate.name}, {"batch", batch_size}, {"tokens_per_query", length},
                                    {"queries_per_second", batch_size / per_batch}, {"lm_gflops", lm_rate},
                                    {"lm_linear_gflops", lm_peak}, {"lm_over_linear", lm_rate / lm_peak},
                                    {"vision_gflops", vision_rate}, {"vision_linear_gflops", vision_peak},
                                    {"vision_over_linear", vision_rate / vision_peak}};
      if (profile && batch_size == batches.back()) {
        const auto ops = vlm2vec::bench::profile_ops([&] { candidate.model->encode(batch, true); });
        double total = 0, gemm = 0;
        for (const auto& op : ops) {
          total += op.self_ms;
          if (vlm2vec::bench::is_gemm(op.name)) gemm += op.self_ms;
        }
        std::printf("\n%s, batch %ld: %.0f ms profiled, matrix products %.0f%%\n| operator | calls | self ms | share |\n"
                    "|---|---:|---:|---:|\n", candidate.name.c_str(), static_cast<long>(batch_size), total, 100.0 * gemm / total);
        nlohmann::ordered_json top = nlohmann::ordered_json::array();
        for (size_t i = 0; i < ops.size() && i < 15; ++i) {
          std::printf("| %s | %ld | %.1f | %.1f%% |\n", ops[i].name.c_str(), static_cast<long>(ops[i].calls), ops[i].self_ms,
                      100.0 * ops[i].self_ms / total);
          top.push_back({{"operator", ops[i].name}, {"calls", ops[i].calls}, {"self_ms", ops[i].self_ms}});
        }
        std::printf("\n");
        row["profile"] = {{"total_ms", total}, {"gemm_share", gemm / total}, {"operators", top}};
      }
      report["rows"].push_back(row);
    }
    std::filesystem::remove_all(directory);
  }
  if (!json_path.empty()) std::ofstream(json_path) << report.dump(2) << "\n";
  return 0;
}
