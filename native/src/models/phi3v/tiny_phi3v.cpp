#include "models/phi3v/tiny_phi3v.h"

#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include <cmath>
#include <filesystem>
#include <map>
#include <vector>

#include "common/error.h"
#include "io/atomic_file.h"
#include "models/tiny/tiny_tokenizer.h"
#include "models/tiny/tiny_weights.h"

namespace vlm2vec::models {
namespace {

using tiny::Init;
using tiny::TensorSpec;

// Phi-3's added tokens, laid out at the top of the vocabulary in their real order
// (32000.. in the real model): <|endoftext|> is also the pad token.
std::vector<SpecialToken> phi3_special_tokens(int64_t base) {
  const std::vector<std::string> names{"<|endoftext|>",   "<|assistant|>",   "<|placeholder1|>", "<|placeholder2|>",
                                       "<|placeholder3|>", "<|placeholder4|>", "<|system|>",      "<|end|>",
                                       "<|placeholder5|>", "<|placeholder6|>", "<|user|>"};
  std::vector<SpecialToken> specials;
  for (size_t i = 0; i < names.size(); ++i) specials.push_back({names[i], base + static_cast<int64_t>(i)});
  return specials;
}

}  // namespace

std::map<std::string, TensorSpec> phi3v_tensors(const TinyPhi3VOptions& o) {
  std::map<std::string, TensorSpec> t;
  const int64_t head_dim = o.hidden / o.heads;
  t["model.embed_tokens.weight"] = {{o.vocab, o.hidden}, Init::kEmbedding};
  t["lm_head.weight"] = {{o.vocab, o.hidden}, Init::kMatrix};
  t["model.norm.weight"] = {{o.hidden}, Init::kNormWeight};
  for (int64_t i = 0; i < o.layers; ++i) {
    const std::string p = "model.layers." + std::to_string(i);
    t[p + ".input_layernorm.weight"] = {{o.hidden}, Init::kNormWeight};
    t[p + ".post_attention_layernorm.weight"] = {{o.hidden}, Init::kNormWeight};
    t[p + ".self_attn.qkv_proj.weight"] = {{(o.heads + 2 * o.kv_heads) * head_dim, o.hidden}, Init::kMatrix};
    t[p + ".self_attn.o_proj.weight"] = {{o.hidden, o.heads * head_dim}, Init::kMatrix};
    t[p + ".mlp.gate_up_proj.weight"] = {{2 * o.intermediate, o.hidden}, Init::kMatrix};
    t[p + ".mlp.down_proj.weight"] = {{o.hidden, o.intermediate}, Init::kMatrix};
  }
  const std::string v = "model.vision_embed_tokens";
  const std::string c = v + ".img_processor.vision_model";
  t[v + ".glb_GN"] = {{1, 1, 4 * o.clip_hidden}, Init::kEmbedding};
  t[v + ".sub_GN"] = {{1, 1, 1, 4 * o.clip_hidden}, Init::kEmbedding};
  t[v + ".img_projection.0.weight"] = {{o.hidden, 4 * o.clip_hidden}, Init::kMatrix};
  t[v + ".img_projection.0.bias"] = {{o.hidden}, Init::kBias};
  t[v + ".img_projection.2.weight"] = {{o.hidden, o.hidden}, Init::kMatrix};
  t[v + ".img_projection.2.bias"] = {{o.hidden}, Init::kBias};
  tiny::add_clip_tensors(t, c, o.clip_hidden, o.clip_layers, o.clip_intermediate, o.image_size, o.patch_size);
  return t;
}

void write_phi3v_tokenizer(const std::string& directory, int64_t vocab, int64_t first_special) {
  const std::filesystem::path root(directory);
  io::write_text_file((root / "tokenizer_config.json").string(),
                      tiny::llama_tokenizer_config("<|endoftext|>", "<|endoftext|>").dump(2) + "\n");
  io::write_text_file((root / "tokenizer.json").string(),
                      tiny_bpe_tokenizer(vocab, phi3_special_tokens(first_special)).dump(2) + "\n");
}

namespace {

std::vector<double> rope_factors(SeededNormal& random, int64_t count, double low, double high) {
  std::vector<double> factors;
  for (int64_t i = 0; i < count; ++i) {
    // Rising like the real factors, rounded like the real config's six decimals.
    const double value = low + (high - low) * (static_cast<double>(i) + 0.5 + 0.3 * random.next()) / count;
    factors.push_back(std::round(std::max(1.0, value) * 1e6) / 1e6);
  }
  return factors;
}

}  // namespace

void write_tiny_phi3v(const std::string& directory, const TinyPhi3VOptions& o) {
  check_argument(o.hidden % o.heads == 0 && o.heads % o.kv_heads == 0, "tiny phi3v: hidden must divide into heads");
  check_argument(o.image_size % o.patch_size == 0 && (o.image_size / o.patch_size) % 2 == 0,
                 "tiny phi3v: image_size / patch_size must be even (the 2x2 merge)");
  check_argument(o.vocab > 300 + 12, "tiny phi3v: vocab must exceed 312 (bytes, base tokens, specials)");
  std::filesystem::create_directories(directory);
  const std::filesystem::path root(directory);
  SeededNormal random(o.seed);

  tiny::write_weights(root / "model.safetensors", phi3v_tensors(o), random, torch::kBFloat16);

  const int64_t head_dim = o.hidden / o.heads;
  const int64_t pad_id = o.vocab - 12;
  const int64_t side = o.image_size / o.patch_size;
  nlohmann::ordered_json config = {
      {"_name_or_path", "vlm2vec-tiny-phi3v"},
      {"architectures", {"Phi3VForCausalLM"}},
      {"attention_dropout", 0.0},
      {"auto_map", {{"AutoConfig", "configuration_phi3_v.Phi3VConfig"}, {"AutoModelForCausalLM", "modeling_phi3_v.Phi3VForCausalLM"}}},
      {"bos_token_id", 1},
      {"embd_layer", {{"embedding_cls", "image"}, {"hd_transform_order", "sub_glb"}, {"projection_cls", "mlp"},
                      {"use_hd_transform", true}, {"with_learnable_separator", true}}},
      {"embd_pdrop", 0.0},
      {"eos_token_id", 2},
      {"hidden_act", "silu"},
      {"hidden_size", o.hidden},
      {"img_processor", {{"clip_config", {{"attention_dropout", 0.0}, {"dropout", 0.0}, {"hidden_act", "quick_gelu"},
                                           {"hidden_size", o.clip_hidden}, {"image_size", o.image_size},
                                           {"initializer_factor", 1.0}, {"initializer_range", 0.02},
                                           {"intermediate_size", o.clip_intermediate}, {"layer_norm_eps", 1e-05},
                                           {"num_attention_heads", o.clip_heads}, {"num_channels", 3},
                                           {"num_hidden_layers", o.clip_layers}, {"patch_size", o.patch_size},
                                           {"projection_dim", o.clip_hidden}}},
                         {"image_dim_out", o.clip_hidden},
                         {"model_name", "openai/clip-vit-large-patch14-336"},
                         {"name", "clip_vision_model"},
                         {"num_img_tokens", (side / 2) * (side / 2)}}},
      {"initializer_range", 0.02},
      {"intermediate_size", o.intermediate},
      {"max_position_embeddings", 4096},
      {"model_type", "phi3_v"},
      {"num_attention_heads", o.heads},
      {"num_hidden_layers", o.layers},
      {"num_key_value_heads", o.kv_heads},
      {"original_max_position_embeddings", 64},
      {"pad_token_id", pad_id},
      {"resid_pdrop", 0.0},
      {"rms_norm_eps", 1e-05},
      {"rope_scaling", {{"long_factor", rope_factors(random, head_dim / 2, 1.0, 7.0)},
                        {"short_factor", rope_factors(random, head_dim / 2, 1.0, 1.5)},
                        {"type", "su"}}},
      {"rope_theta", 10000.0},
      {"sliding_window", 262144},
      {"tie_word_embeddings", false},
      {"torch_dtype", "bfloat16"},
      {"transformers_version", "4.45.2"},
      {"use_cache", true},
      {"vocab_size", o.vocab}};
  io::write_text_file((root / "config.json").string(), config.dump(2) + "\n");

  const nlohmann::ordered_json preprocessor = {
      {"auto_map", {{"AutoImageProcessor", "image_processing_phi3_v.Phi3VImageProcessor"},
                    {"AutoProcessor", "processing_phi3_v.Phi3VProcessor"}}},
      {"do_convert_rgb", true},
      {"image_mean", {0.48145466, 0.4578275, 0.40821073}},
      {"image_processor_type", "Phi3VImageProcessor"},
      {"image_std", {0.26862954, 0.26130258, 0.27577711}},
      {"num_crops", o.num_crops},
      {"processor_class", "Phi3VProcessor"}};
  io::write_text_file((root / "preprocessor_config.json").string(), preprocessor.dump(2) + "\n");

  write_phi3v_tokenizer(directory, o.vocab, pad_id);
}

}  // namespace vlm2vec::models
