#include "models/config_checks.h"

#include "common/error.h"
#include "io/json_file.h"

namespace vlm2vec::models {

namespace {

// Far above every released model (Phi-3.5-V: 3072 hidden, 32 layers; LLaVA-NeXT-34B: 7168, 60;
// CLIP-L: 1024, 24), far below what would exhaust a host before the tensors are compared.
constexpr int64_t kMaxHidden = 1 << 16;
constexpr int64_t kMaxIntermediate = 1 << 18;
constexpr int64_t kMaxVocab = 1 << 22;
constexpr int64_t kMaxLayers = 512;
constexpr int64_t kMaxHeads = 1024;

void require(bool condition, const std::string& message) {
  if (!condition) throw Error(VLM2VEC_ERR_BAD_MODEL, message);
}

}  // namespace

void check_range(const std::string& where, const std::string& key, int64_t value, int64_t minimum, int64_t maximum) {
  require(value >= minimum && value <= maximum, where + ": " + key + " = " + std::to_string(value) +
                                                    " is out of range [" + std::to_string(minimum) + ", " +
                                                    std::to_string(maximum) + "]");
}

DecoderConfig read_decoder_sizes(const nlohmann::json& json, const std::string& where, double rms_norm_eps, double rope_theta) {
  DecoderConfig d;
  d.vocab_size = io::required<int64_t>(json, "vocab_size", where);
  d.hidden_size = io::required<int64_t>(json, "hidden_size", where);
  d.intermediate_size = io::required<int64_t>(json, "intermediate_size", where);
  d.num_layers = io::required<int64_t>(json, "num_hidden_layers", where);
  d.num_heads = io::required<int64_t>(json, "num_attention_heads", where);
  d.num_kv_heads = io::optional<int64_t>(json, "num_key_value_heads", d.num_heads, where);
  d.rms_norm_eps = io::optional<double>(json, "rms_norm_eps", rms_norm_eps, where);
  d.rope_theta = io::optional<double>(json, "rope_theta", rope_theta, where);
  check_range(where, "num_attention_heads", d.num_heads, 1, d.hidden_size);
  require(d.hidden_size % d.num_heads == 0, where + ": hidden_size is not a multiple of num_attention_heads");
  d.head_dim = d.hidden_size / d.num_heads;
  return d;
}

void check_decoder_config(const DecoderConfig& c, const std::string& where) {
  check_range(where, "vocab_size", c.vocab_size, 1, kMaxVocab);
  check_range(where, "hidden_size", c.hidden_size, 1, kMaxHidden);
  check_range(where, "intermediate_size", c.intermediate_size, 1, kMaxIntermediate);
  check_range(where, "num_hidden_layers", c.num_layers, 1, kMaxLayers);
  check_range(where, "num_attention_heads", c.num_heads, 1, kMaxHeads);
  check_range(where, "num_key_value_heads", c.num_kv_heads, 1, c.num_heads);
  require(c.num_heads % c.num_kv_heads == 0, where + ": num_attention_heads (" + std::to_string(c.num_heads) +
                                                 ") is not a multiple of num_key_value_heads (" +
                                                 std::to_string(c.num_kv_heads) + ")");
  check_range(where, "head_dim", c.head_dim, 2, 1024);
  require(c.head_dim % 2 == 0, where + ": head_dim (" + std::to_string(c.head_dim) + ") must be even (rotary embedding)");
  require(c.rms_norm_eps > 0, where + ": rms_norm_eps must be > 0");
  require(c.rope_theta > 0, where + ": rope_theta must be > 0");
}

void check_vision_sizes(const std::string& where, int64_t depth, int64_t width, int64_t heads, int64_t mlp_width) {
  check_range(where, "depth", depth, 1, kMaxLayers);
  check_range(where, "embed_dim", width, 1, kMaxHidden);
  check_range(where, "num_heads", heads, 1, kMaxHeads);
  check_range(where, "embed_dim * mlp_ratio", mlp_width, 1, kMaxIntermediate);
}

void check_clip_config(const ClipVisionConfig& c, const std::string& where) {
  check_range(where, "hidden_size", c.hidden_size, 1, kMaxHidden);
  check_range(where, "intermediate_size", c.intermediate_size, 1, kMaxIntermediate);
  check_range(where, "num_hidden_layers", c.num_layers, 1, kMaxLayers);
  check_range(where, "num_attention_heads", c.num_heads, 1, kMaxHeads);
  require(c.hidden_size % c.num_heads == 0, where + ": hidden_size (" + std::to_string(c.hidden_size) +
                                                ") is not a multiple of num_attention_heads (" +
                                                std::to_string(c.num_heads) + ")");
  check_range(where, "num_channels", c.num_channels, 1, 16);
  check_range(where, "patch_size", c.patch_size, 1, 1024);
  check_range(where, "image_size", c.image_size, c.patch_size, 16384);
  require(c.image_size % c.patch_size == 0, where + ": image_size (" + std::to_string(c.image_size) +
                                                ") is not a multiple of patch_size (" + std::to_string(c.patch_size) + ")");
  require(c.layer_norm_eps > 0, where + ": layer_norm_eps must be > 0");
  const int64_t feature = c.feature_layer;
  require(feature >= -(c.num_layers + 1) && feature <= c.num_layers,
          where + ": vision_feature_layer " + std::to_string(feature) + " is outside the tower's " +
              std::to_string(c.num_layers + 1) + " hidden states");
}

}  // namespace vlm2vec::models
