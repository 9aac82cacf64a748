#include "models/tiny/tiny_weights.h"

#include <cmath>

#include "common/error.h"
#include "io/safetensors.h"

namespace vlm2vec::models::tiny {

std::pair<double, double> initial_distribution(const TensorSpec& spec) {
  switch (spec.init) {
    case Init::kNormWeight: return {1.0, 0.1};
    case Init::kBias: return {0.0, 0.05};
    case Init::kEmbedding: return {0.0, 0.5};
    case Init::kMatrix: {
      int64_t fan_in = 1;
      for (size_t i = 1; i < spec.shape.size(); ++i) fan_in *= spec.shape[i];
      return {0.0, 1.0 / std::sqrt(static_cast<double>(fan_in))};
    }
  }
  throw Error(VLM2VEC_ERR_INTERNAL, "unknown init");
}

torch::Tensor initial_value(SeededNormal& random, const TensorSpec& spec) {
  const auto [mean, std] = initial_distribution(spec);
  return random.tensor(spec.shape, mean, std);
}

void write_weights(const std::filesystem::path& file, const std::map<std::string, TensorSpec>& specs, SeededNormal& random,
                   torch::ScalarType dtype) {
  std::map<std::string, torch::Tensor> tensors;
  for (const auto& [name, spec] : specs) tensors[name] = initial_value(random, spec).to(dtype);
  io::write_safetensors(file.string(), tensors, {{"format", "pt"}});
}

void add_clip_tensors(std::map<std::string, TensorSpec>& t, const std::string& c, int64_t hidden, int64_t layers,
                      int64_t intermediate, int64_t image_size, int64_t patch_size) {
  const int64_t side = image_size / patch_size;
  t[c + ".embeddings.class_embedding"] = {{hidden}, Init::kEmbedding};
  t[c + ".embeddings.patch_embedding.weight"] = {{hidden, 3, patch_size, patch_size}, Init::kEmbedding};
  t[c + ".embeddings.position_embedding.weight"] = {{side * side + 1, hidden}, Init::kEmbedding};
  for (const char* norm : {".pre_layrnorm", ".post_layernorm"}) {
    t[c + norm + ".weight"] = {{hidden}, Init::kNormWeight};
    t[c + norm + ".bias"] = {{hidden}, Init::kBias};
  }
  for (int64_t i = 0; i < layers; ++i) {
    const std::string p = c + ".encoder.layers." + std::to_string(i);
    for (const char* proj : {".self_attn.q_proj", ".self_attn.k_proj", ".self_attn.v_proj", ".self_attn.out_proj"}) {
      t[p + proj + ".weight"] = {{hidden, hidden}, Init::kMatrix};
      t[p + proj + ".bias"] = {{hidden}, Init::kBias};
    }
    for (const char* norm : {".layer_norm1", ".layer_norm2"}) {
      t[p + norm + ".weight"] = {{hidden}, Init::kNormWeight};
      t[p + norm + ".bias"] = {{hidden}, Init::kBias};
    }
    t[p + ".mlp.fc1.weight"] = {{intermediate, hidden}, Init::kMatrix};
    t[p + ".mlp.fc1.bias"] = {{intermediate}, Init::kBias};
    t[p + ".mlp.fc2.weight"] = {{hidden, intermediate}, Init::kMatrix};
    t[p + ".mlp.fc2.bias"] = {{hidden}, Init::kBias};
  }
}

nlohmann::ordered_json llama_tokenizer_config(const std::string& eos, const std::string& pad) {
  return {{"add_bos_token", true},
          {"add_eos_token", false},
          {"bos_token", "<s>"},
          {"clean_up_tokenization_spaces", false},
          {"eos_token", eos},
          {"legacy", false},
          {"model_max_length", 131072},
          {"pad_token", pad},
          {"padding_side", "right"},
          {"tokenizer_class", "LlamaTokenizer"},
          {"unk_token", "<unk>"},
          {"use_default_system_prompt", false}};
}

void check_image_size(int64_t image_size, int64_t multiple) {
  check_argument(image_size >= 0 && image_size % multiple == 0, "image_size = " + std::to_string(image_size) +
                                                                    " must be a positive multiple of " + std::to_string(multiple));
}

}  // namespace vlm2vec::models::tiny
