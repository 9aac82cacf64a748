// Qwen2-VL as VLM2Vec-V2 embeds with it (shared/docs/MODELS-qwen2vl.md sections 6 and 8): the
// vision tower's features written into the <|image_pad|> rows of the token embeddings, in order
// over the batch; the Qwen2 decoder (biased q/k/v, GQA, SiLU MLP) with M-RoPE positions given by
// the caller ([3, batch, seq]: 1-D for VLM2Vec prompts, get_rope_index's for Qwen-chat prompts,
// arange for GME); the last real token pooled and L2-normalised.
//
// Not yet behind the C ABI: the batch descriptor for per-image patch grids is the next step
// (issue 15, item 2). Tests call it directly.
#pragma once

#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include <memory>
#include <string>
#include <vector>

#include "io/checkpoint.h"
#include "models/decoder.h"
#include "models/qwen2vl/vision_tower.h"

namespace vlm2vec::models::qwen2vl {

struct Qwen2VlConfig {
  DecoderConfig decoder;
  VisionConfig vision;
  std::vector<int64_t> mrope_section = {16, 24, 24};
  int64_t image_token_id = 151655;
};

// config.json of a qwen2_vl checkpoint, flat layout; rope_scaling as Hub files write it
// ({"type": "mrope", "mrope_section"}) or as the vendored class rewrites it ({"type": "default",
// "rope_type": "default", "mrope_section"}).
Qwen2VlConfig qwen2vl_config_from_json(const nlohmann::json& json, const std::string& where);

class Qwen2VlModel : public torch::nn::Module {
 public:
  Qwen2VlModel(io::Checkpoint& checkpoint, const Qwen2VlConfig& config);

  // input_ids, attention_mask [batch, seq]; pixel_values [patches, 1176] and grid_thw
  // [images, 3] for every image of the batch in order (undefined tensors for text only);
  // position_ids [3, batch, seq]. Returns the last hidden states (after the final norm);
  // hidden_states, when given, receives the decoder's input and every layer's output.
  torch::Tensor forward(const torch::Tensor& input_ids, const torch::Tensor& attention_mask, const torch::Tensor& pixel_values,
                        const torch::Tensor& grid_thw, const torch::Tensor& position_ids,
                        std::vector<torch::Tensor>* hidden_states = nullptr) const;

  // The row VLM2Vec pools (MMEBModel._pooling, "last"): the last position when every row's last
  // mask entry is 1 (left padding, or none), else each row's last real token.
  static torch::Tensor pooled_positions(const torch::Tensor& attention_mask);

  // forward(), pooled and L2-normalised: [batch, hidden].
  torch::Tensor embed(const torch::Tensor& input_ids, const torch::Tensor& attention_mask, const torch::Tensor& pixel_values,
                      const torch::Tensor& grid_thw, const torch::Tensor& position_ids) const;

  const VisionTower& vision() const { return *vision_; }
  const Qwen2VlConfig& config() const { return config_; }

 private:
  Qwen2VlConfig config_;
  std::shared_ptr<VisionTower> vision_;
  std::shared_ptr<Decoder> decoder_;
};

}  // namespace vlm2vec::models::qwen2vl
