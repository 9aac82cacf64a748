#include "models/qwen2vl/tiny_qwen2vl.h"

#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include <filesystem>
#include <map>
#include <vector>

#include "common/error.h"
#include "io/atomic_file.h"
#include "models/tiny/tiny_tokenizer.h"
#include "models/tiny/tiny_weights.h"

namespace vlm2vec::models::qwen2vl {
namespace {

using tiny::Init;
using tiny::TensorSpec;

constexpr int64_t kPatch = 14, kTemporal = 2, kMerge = 2;

// Qwen2-VL's added tokens in their real relative order (151643.. in the real vocabulary),
// without the object/box/quad markers nothing here uses.
std::vector<SpecialToken> special_tokens(int64_t base) {
  const std::vector<std::string> names{"<|endoftext|>",  "<|im_start|>",  "<|im_end|>",    "<|vision_start|>",
                                       "<|vision_end|>", "<|vision_pad|>", "<|image_pad|>", "<|video_pad|>"};
  std::vector<SpecialToken> specials;
  for (size_t i = 0; i < names.size(); ++i) specials.push_back({names[i], base + static_cast<int64_t>(i)});
  return specials;
}

}  // namespace

std::map<std::string, TensorSpec> qwen2vl_tensors(const TinyQwen2VlOptions& o) {
  std::map<std::string, TensorSpec> t;
  const int64_t head_dim = o.hidden / o.heads;
  t["model.embed_tokens.weight"] = {{o.vocab, o.hidden}, Init::kEmbedding};
  if (!o.tie_word_embeddings) t["lm_head.weight"] = {{o.vocab, o.hidden}, Init::kMatrix};
  t["model.norm.weight"] = {{o.hidden}, Init::kNormWeight};
  for (int64_t i = 0; i < o.layers; ++i) {
    const std::string p = "model.layers." + std::to_string(i);
    t[p + ".input_layernorm.weight"] = {{o.hidden}, Init::kNormWeight};
    t[p + ".post_attention_layernorm.weight"] = {{o.hidden}, Init::kNormWeight};
    t[p + ".self_attn.q_proj.weight"] = {{o.heads * head_dim, o.hidden}, Init::kMatrix};
    t[p + ".self_attn.q_proj.bias"] = {{o.heads * head_dim}, Init::kBias};
    for (const char* proj : {".self_attn.k_proj", ".self_attn.v_proj"}) {
      t[p + proj + ".weight"] = {{o.kv_heads * head_dim, o.hidden}, Init::kMatrix};
      t[p + proj + ".bias"] = {{o.kv_heads * head_dim}, Init::kBias};
    }
    t[p + ".self_attn.o_proj.weight"] = {{o.hidden, o.heads * head_dim}, Init::kMatrix};
    t[p + ".mlp.gate_proj.weight"] = {{o.intermediate, o.hidden}, Init::kMatrix};
    t[p + ".mlp.up_proj.weight"] = {{o.intermediate, o.hidden}, Init::kMatrix};
    t[p + ".mlp.down_proj.weight"] = {{o.hidden, o.intermediate}, Init::kMatrix};
  }
  const int64_t e = o.vision_embed, mlp = 4 * o.vision_embed, merged = e * kMerge * kMerge;
  t["visual.patch_embed.proj.weight"] = {{e, 3, kTemporal, kPatch, kPatch}, Init::kMatrix};
  for (int64_t i = 0; i < o.vision_depth; ++i) {
    const std::string p = "visual.blocks." + std::to_string(i);
    for (const char* norm : {".norm1", ".norm2"}) {
      t[p + norm + ".weight"] = {{e}, Init::kNormWeight};
      t[p + norm + ".bias"] = {{e}, Init::kBias};
    }
    t[p + ".attn.qkv.weight"] = {{3 * e, e}, Init::kMatrix};
    t[p + ".attn.qkv.bias"] = {{3 * e}, Init::kBias};
    t[p + ".attn.proj.weight"] = {{e, e}, Init::kMatrix};
    t[p + ".attn.proj.bias"] = {{e}, Init::kBias};
    t[p + ".mlp.fc1.weight"] = {{mlp, e}, Init::kMatrix};
    t[p + ".mlp.fc1.bias"] = {{mlp}, Init::kBias};
    t[p + ".mlp.fc2.weight"] = {{e, mlp}, Init::kMatrix};
    t[p + ".mlp.fc2.bias"] = {{e}, Init::kBias};
  }
  t["visual.merger.ln_q.weight"] = {{e}, Init::kNormWeight};
  t["visual.merger.ln_q.bias"] = {{e}, Init::kBias};
  t["visual.merger.mlp.0.weight"] = {{merged, merged}, Init::kMatrix};
  t["visual.merger.mlp.0.bias"] = {{merged}, Init::kBias};
  t["visual.merger.mlp.2.weight"] = {{o.hidden, merged}, Init::kMatrix};
  t["visual.merger.mlp.2.bias"] = {{o.hidden}, Init::kBias};
  return t;
}

void write_qwen2vl_tokenizer(const std::string& directory, int64_t vocab, int64_t first_special) {
  const std::filesystem::path root(directory);
  const nlohmann::ordered_json tokenizer_config = {{"add_prefix_space", false},
                                                   {"bos_token", nullptr},
                                                   {"clean_up_tokenization_spaces", false},
                                                   {"eos_token", "<|im_end|>"},
                                                   {"errors", "replace"},
                                                   {"model_max_length", 32768},
                                                   {"pad_token", "<|endoftext|>"},
                                                   {"padding_side", "left"},
                                                   {"split_special_tokens", false},
                                                   {"tokenizer_class", "Qwen2Tokenizer"},
                                                   {"unk_token", nullptr}};
  io::write_text_file((root / "tokenizer_config.json").string(), tokenizer_config.dump(2) + "\n");
  io::write_text_file((root / "tokenizer.json").string(),
                      tiny_byte_level_tokenizer(vocab, special_tokens(first_special)).dump(2) + "\n");
}

void write_tiny_qwen2vl(const std::string& directory, const TinyQwen2VlOptions& o) {
  check_argument(o.hidden % o.heads == 0 && o.heads % o.kv_heads == 0 && (o.hidden / o.heads) % 16 == 0,
                 "tiny qwen2vl: hidden must divide into heads of a multiple of 16 (the M-RoPE sections)");
  check_argument(o.vision_embed % o.vision_heads == 0 && (o.vision_embed / o.vision_heads) % 4 == 0,
                 "tiny qwen2vl: the vision heads must be a multiple of 4 wide (2-D rotary halves)");
  check_argument(o.vocab >= 256 + 8 + 4, "tiny qwen2vl: vocab must hold the 256 byte symbols, some merges and 8 specials");
  check_argument(o.min_pixels >= 28 * 28 && o.max_pixels >= o.min_pixels, "tiny qwen2vl: need 784 <= min_pixels <= max_pixels");
  std::filesystem::create_directories(directory);
  const std::filesystem::path root(directory);
  SeededNormal random(o.seed);
  tiny::write_weights(root / "model.safetensors", qwen2vl_tensors(o), random, torch::kBFloat16);

  const int64_t base = o.vocab - 12;
  const int64_t head_dim = o.hidden / o.heads;
  const int64_t quarter = head_dim / 16;  // head_dim / 2 split 2:3:3, as the real [16, 24, 24] of 64
  const std::vector<int64_t> mrope_section{2 * quarter, 3 * quarter, 3 * quarter};
  nlohmann::ordered_json config = {
      {"_name_or_path", "vlm2vec-tiny-qwen2-vl"},
      {"architectures", {"Qwen2VLForConditionalGeneration"}},
      {"attention_dropout", 0.0},
      {"bos_token_id", base},
      {"eos_token_id", base + 2},
      {"hidden_act", "silu"},
      {"hidden_size", o.hidden},
      {"image_token_id", base + 6},
      {"initializer_range", 0.02},
      {"intermediate_size", o.intermediate},
      {"max_position_embeddings", 32768},
      {"max_window_layers", o.layers},
      {"model_type", "qwen2_vl"},
      {"num_attention_heads", o.heads},
      {"num_hidden_layers", o.layers},
      {"num_key_value_heads", o.kv_heads},
      {"rms_norm_eps", 1e-06},
      {"rope_scaling", {{"type", "mrope"}, {"mrope_section", mrope_section}}},
      {"rope_theta", 1000000.0},
      {"sliding_window", 32768},
      {"tie_word_embeddings", true},
      {"torch_dtype", "bfloat16"},
      {"transformers_version", "4.45.0.dev0"},
      {"use_cache", true},
      {"use_sliding_window", false},
      {"video_token_id", base + 7},
      {"vision_config", {{"depth", o.vision_depth}, {"embed_dim", o.vision_embed}, {"mlp_ratio", 4},
                         {"num_heads", o.vision_heads}, {"in_chans", 3}, {"hidden_size", o.hidden},
                         {"patch_size", kPatch}, {"spatial_merge_size", kMerge}, {"spatial_patch_size", kPatch},
                         {"temporal_patch_size", kTemporal}}},
      {"vision_end_token_id", base + 4},
      {"vision_start_token_id", base + 3},
      {"vision_token_id", base + 5},
      {"vocab_size", o.vocab}};
  io::write_text_file((root / "config.json").string(), config.dump(2) + "\n");

  const nlohmann::ordered_json preprocessor = {
      {"min_pixels", o.min_pixels},
      {"max_pixels", o.max_pixels},
      {"patch_size", kPatch},
      {"temporal_patch_size", kTemporal},
      {"merge_size", kMerge},
      {"image_mean", {0.48145466, 0.4578275, 0.40821073}},
      {"image_std", {0.26862954, 0.26130258, 0.27577711}},
      {"image_processor_type", "Qwen2VLImageProcessor"},
      {"processor_class", "Qwen2VLProcessor"}};
  io::write_text_file((root / "preprocessor_config.json").string(), preprocessor.dump(2) + "\n");
  write_qwen2vl_tokenizer(directory, o.vocab, base);
}

}  // namespace vlm2vec::models::qwen2vl
