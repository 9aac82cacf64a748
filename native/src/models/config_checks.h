// Checks of the sizes a config.json gives, before any of them divides, allocates or builds a
// layer: a zero head count would be a SIGFPE, a billion layers an out-of-memory kill. Each
// failure is a VLM2VEC_ERR_BAD_MODEL error naming the file, the key, the allowed range and the value.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>

#include "models/layers/clip_vision.h"
#include "models/layers/decoder.h"

namespace vlm2vec::models {

// value in [minimum, maximum], else an error "where: key = value is out of range [minimum, maximum]".
void check_range(const std::string& where, const std::string& key, int64_t value, int64_t minimum, int64_t maximum);

// The decoder sizes a flat config.json gives (Phi-3, Qwen2): vocab_size, hidden_size,
// intermediate_size, num_hidden_layers, num_attention_heads (all required), num_key_value_heads
// (default: the heads), rms_norm_eps and rope_theta (defaults: the family's); head_dim = hidden /
// heads, refused where it does not divide. Check the result with check_decoder_config.
DecoderConfig read_decoder_sizes(const nlohmann::json& json, const std::string& where, double rms_norm_eps, double rope_theta);

// Sizes, ratios (hidden % heads, heads % kv_heads), an even head_dim for rotary, eps > 0.
void check_decoder_config(const DecoderConfig& config, const std::string& where);

// Sizes, image_size a multiple of patch_size, hidden % heads, the feature layer inside the tower.
void check_clip_config(const ClipVisionConfig& config, const std::string& where);

// The sizes of a vision tower that are not CLIP's (Qwen2-VL's): each in [1, the same bounds].
void check_vision_sizes(const std::string& where, int64_t depth, int64_t width, int64_t heads, int64_t mlp_width);

}  // namespace vlm2vec::models
