#include "models/llava_next/tiny_llava_next.h"

#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include <filesystem>
#include <map>
#include <utility>
#include <vector>

#include "common/error.h"
#include "io/atomic_file.h"
#include "models/tiny/tiny_tokenizer.h"
#include "models/tiny/tiny_weights.h"

namespace vlm2vec::models {

using tiny::Init;
using tiny::TensorSpec;

std::map<std::string, TensorSpec> llava_next_tensors(const TinyLlavaNextOptions& o) {
  std::map<std::string, TensorSpec> t;
  const int64_t head_dim = o.hidden / o.heads;
  const std::string lm = o.new_names ? "model.language_model" : "language_model.model";
  const std::string projector = o.new_names ? "model.multi_modal_projector" : "multi_modal_projector";
  t[lm + ".embed_tokens.weight"] = {{o.vocab, o.hidden}, Init::kEmbedding};
  t[o.new_names ? "lm_head.weight" : "language_model.lm_head.weight"] = {{o.vocab, o.hidden}, Init::kMatrix};
  t[lm + ".norm.weight"] = {{o.hidden}, Init::kNormWeight};
  for (int64_t i = 0; i < o.layers; ++i) {
    const std::string p = lm + ".layers." + std::to_string(i);
    t[p + ".input_layernorm.weight"] = {{o.hidden}, Init::kNormWeight};
    t[p + ".post_attention_layernorm.weight"] = {{o.hidden}, Init::kNormWeight};
    t[p + ".self_attn.q_proj.weight"] = {{o.heads * head_dim, o.hidden}, Init::kMatrix};
    t[p + ".self_attn.k_proj.weight"] = {{o.kv_heads * head_dim, o.hidden}, Init::kMatrix};
    t[p + ".self_attn.v_proj.weight"] = {{o.kv_heads * head_dim, o.hidden}, Init::kMatrix};
    t[p + ".self_attn.o_proj.weight"] = {{o.hidden, o.heads * head_dim}, Init::kMatrix};
    t[p + ".mlp.gate_proj.weight"] = {{o.intermediate, o.hidden}, Init::kMatrix};
    t[p + ".mlp.up_proj.weight"] = {{o.intermediate, o.hidden}, Init::kMatrix};
    t[p + ".mlp.down_proj.weight"] = {{o.hidden, o.intermediate}, Init::kMatrix};
  }
  t[projector + ".linear_1.weight"] = {{o.hidden, o.clip_hidden}, Init::kMatrix};
  t[projector + ".linear_1.bias"] = {{o.hidden}, Init::kBias};
  t[projector + ".linear_2.weight"] = {{o.hidden, o.hidden}, Init::kMatrix};
  t[projector + ".linear_2.bias"] = {{o.hidden}, Init::kBias};
  t[o.new_names ? "model.image_newline" : "image_newline"] = {{o.hidden}, Init::kEmbedding};
  tiny::add_clip_tensors(t, o.new_names ? "model.vision_tower.vision_model" : "vision_tower.vision_model", o.clip_hidden,
                   o.clip_layers, o.clip_intermediate, o.image_size, o.patch_size);
  return t;
}

void write_llava_next_tokenizer(const std::string& directory, int64_t vocab, int64_t image_token, int64_t pad_token) {
  const std::filesystem::path root(directory);
  io::write_text_file((root / "tokenizer_config.json").string(), tiny::llama_tokenizer_config("</s>", "<pad>").dump(2) + "\n");
  io::write_text_file((root / "tokenizer.json").string(),
                      tiny_bpe_tokenizer(vocab, {{"<image>", image_token}, {"<pad>", pad_token}}).dump(2) + "\n");
}

void write_tiny_llava_next(const std::string& directory, const TinyLlavaNextOptions& o) {
  check_argument(o.hidden % o.heads == 0 && o.heads % o.kv_heads == 0, "tiny llava-next: hidden must divide into heads");
  check_argument(o.image_size % o.patch_size == 0, "tiny llava-next: image_size must be a multiple of patch_size");
  check_argument(o.vocab > 300 + 12, "tiny llava-next: vocab must exceed 312 (bytes, base tokens, specials)");
  std::filesystem::create_directories(directory);
  const std::filesystem::path root(directory);
  SeededNormal random(o.seed);
  tiny::write_weights(root / "model.safetensors", llava_next_tensors(o), random, torch::kFloat32);

  // llava-hf Mistral: <image> = 32000, <pad> = 32001 at the start of the added block.
  const int64_t image_token = o.vocab - 12, pad_token = o.vocab - 11;
  nlohmann::ordered_json pinpoints = nlohmann::ordered_json::array();
  for (const auto& [h, w] : std::vector<std::pair<int64_t, int64_t>>{{336, 672}, {672, 336}, {672, 672}, {1008, 336}, {336, 1008}}) {
    pinpoints.push_back({h * o.image_size / 336, w * o.image_size / 336});
  }
  const int64_t side = o.image_size / o.patch_size;
  nlohmann::ordered_json config = {
      {"_name_or_path", "vlm2vec-tiny-llava-next-mistral"},
      {"architectures", {"LlavaNextForConditionalGeneration"}},
      {"ignore_index", -100},
      {"image_grid_pinpoints", pinpoints},
      {"image_seq_length", side * side},
      {"image_token_index", image_token},
      {"model_type", "llava_next"},
      {"pad_token_id", pad_token},
      {"projector_hidden_act", "gelu"},
      {"text_config", {{"architectures", {"MistralForCausalLM"}}, {"attention_dropout", 0.0}, {"bos_token_id", 1},
                       {"eos_token_id", 2}, {"head_dim", o.hidden / o.heads}, {"hidden_act", "silu"},
                       {"hidden_size", o.hidden}, {"initializer_range", 0.02}, {"intermediate_size", o.intermediate},
                       {"max_position_embeddings", 32768}, {"model_type", "mistral"}, {"num_attention_heads", o.heads},
                       {"num_hidden_layers", o.layers}, {"num_key_value_heads", o.kv_heads}, {"rms_norm_eps", 1e-05},
                       {"rope_theta", 1000000.0}, {"sliding_window", nullptr}, {"tie_word_embeddings", false},
                       {"torch_dtype", "float32"}, {"use_cache", true}, {"vocab_size", o.vocab}}},
      {"tie_word_embeddings", false},
      {"torch_dtype", "float32"},
      {"transformers_version", "4.45.2"},
      {"use_cache", true},
      {"vision_config", {{"attention_dropout", 0.0}, {"hidden_act", "quick_gelu"}, {"hidden_size", o.clip_hidden},
                         {"image_size", o.image_size}, {"initializer_factor", 1.0}, {"initializer_range", 0.02},
                         {"intermediate_size", o.clip_intermediate}, {"layer_norm_eps", 1e-05},
                         {"model_type", "clip_vision_model"}, {"num_attention_heads", o.clip_heads}, {"num_channels", 3},
                         {"num_hidden_layers", o.clip_layers}, {"patch_size", o.patch_size},
                         {"projection_dim", o.clip_hidden}, {"vocab_size", o.vocab}}},
      {"vision_feature_layer", -2},
      {"vision_feature_select_strategy", "default"}};
  io::write_text_file((root / "config.json").string(), config.dump(2) + "\n");

  const nlohmann::ordered_json preprocessor = {
      {"crop_size", {{"height", o.image_size}, {"width", o.image_size}}},
      {"do_center_crop", true},
      {"do_convert_rgb", true},
      {"do_normalize", true},
      {"do_pad", true},
      {"do_rescale", true},
      {"do_resize", true},
      {"image_grid_pinpoints", pinpoints},
      {"image_mean", {0.48145466, 0.4578275, 0.40821073}},
      {"image_processor_type", "LlavaNextImageProcessor"},
      {"image_std", {0.26862954, 0.26130258, 0.27577711}},
      {"processor_class", "LlavaNextProcessor"},
      {"resample", 3},
      {"rescale_factor", 0.00392156862745098},
      {"size", {{"shortest_edge", o.image_size}}}};
  io::write_text_file((root / "preprocessor_config.json").string(), preprocessor.dump(2) + "\n");
  write_llava_next_tokenizer(directory, o.vocab, image_token, pad_token);
}

}  // namespace vlm2vec::models
