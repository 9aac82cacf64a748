// Qwen2-VL as VLM2Vec-V2 embeds with it (shared/docs/MODELS-qwen2vl.md sections 6 and 8): the
// vision tower's features written into the <|image_pad|> rows of the token embeddings, in order
// over the batch; the Qwen2 decoder (biased q/k/v, GQA, SiLU MLP) with M-RoPE positions given by
// the caller ([3, batch, seq]: 1-D for VLM2Vec prompts, get_rope_index's for Qwen-chat prompts,
// arange for GME); the row VLM2Vec pools, L2-normalised (EmbeddingModel::encode).
#pragma once

#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include <memory>
#include <string>
#include <vector>

#include "io/checkpoint.h"
#include "models/embedding_model.h"
#include "models/layers/decoder.h"
#include "models/qwen2vl/vision_tower.h"

namespace vlm2vec::models::qwen2vl {

struct Qwen2VlConfig {
  DecoderConfig decoder;
  VisionConfig vision;
  std::vector<int64_t> mrope_section = {16, 24, 24};
  int64_t image_token_id = 151655;
  int64_t vision_start_token_id = 151652;
  // Tensor prefixes: "model" and "visual" in the Hub files and the vendored class's; the
  // transformers >= 4.52 classes save "model.language_model" and "model.visual".
  std::string decoder_prefix = "model";
  std::string vision_prefix = "visual";
};

// config.json of a qwen2_vl checkpoint, flat layout; rope_scaling as Hub files write it
// ({"type": "mrope", "mrope_section"}) or as the vendored class rewrites it ({"type": "default",
// "rope_type": "default", "mrope_section"}); the text keys at the top level or, as
// transformers >= 4.52 writes them, in text_config.
Qwen2VlConfig qwen2vl_config_from_json(const nlohmann::json& json, const std::string& where);

// config.json of directory, with the tensor prefixes the checkpoint uses.
Qwen2VlConfig read_qwen2vl_config(const std::string& directory, const io::Checkpoint& checkpoint);

class Qwen2VlModel : public EmbeddingModel, public torch::nn::Module {
 public:
  Qwen2VlModel(io::Checkpoint& checkpoint, const Qwen2VlConfig& config);

  // input_ids, attention_mask [batch, seq]; pixel_values [patches, 1176] and grid_thw
  // [images, 3] for every image of the batch in order (undefined tensors for text only);
  // position_ids [3, batch, seq]. Returns the last hidden states (after the final norm);
  // hidden_states, when given, receives the decoder's input and every layer's output.
  torch::Tensor forward(const torch::Tensor& input_ids, const torch::Tensor& attention_mask, const torch::Tensor& pixel_values,
                        const torch::Tensor& grid_thw, const torch::Tensor& position_ids,
                        std::vector<torch::Tensor>* hidden_states = nullptr) const;

  // The batch as the C ABI gives it: positions from rope_index unless the batch brings its own.
  torch::Tensor hidden_states(const EncodeBatch& batch) const override;

  // forward(), pooled and L2-normalised: [batch, hidden].
  torch::Tensor embed(const torch::Tensor& input_ids, const torch::Tensor& attention_mask, const torch::Tensor& pixel_values,
                      const torch::Tensor& grid_thw, const torch::Tensor& position_ids) const;

  // The decoder's input: token embeddings with the vision tower's features written into the
  // <|image_pad|> rows. [batch, seq, hidden].
  torch::Tensor input_embeddings(const torch::Tensor& input_ids, const torch::Tensor& pixel_values,
                                 const torch::Tensor& grid_thw) const;

  const VisionTower& vision() const { return *vision_; }
  const Decoder& decoder() const { return *decoder_; }
  const Qwen2VlConfig& config() const { return config_; }

 private:
  Qwen2VlConfig config_;
  std::shared_ptr<VisionTower> vision_;
  std::shared_ptr<Decoder> decoder_;
};

}  // namespace vlm2vec::models::qwen2vl
