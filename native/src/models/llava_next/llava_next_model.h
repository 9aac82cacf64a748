// LLaVA-NeXT (LLaVA-1.6) as an embedding model: CLIP features (layer -2, CLS dropped) of the
// base view and the anyres tiles, a two-layer GELU projector, the tile features packed as
// an unpadded grid with image_newline after every row, written at the <image> token
// positions; then a Mistral or Llama (Vicuna) decoder.
#pragma once

#include <torch/torch.h>

#include <memory>
#include <string>
#include <vector>

#include "io/checkpoint.h"
#include "models/llava_next/anyres.h"
#include "models/layers/clip_vision.h"
#include "models/layers/decoder.h"
#include "models/embedding_model.h"
#include "models/layers/linear.h"

namespace vlm2vec::models {

// Where the weights live: transformers 4.45 names or the >= 4.52 ones.
struct LlavaNextWeightNames {
  std::string language_model;  // "language_model.model" or "model.language_model"
  std::string vision_tower;    // "vision_tower.vision_model" or "model.vision_tower.vision_model"
  std::string projector;       // "multi_modal_projector" or "model.multi_modal_projector"
  std::string image_newline;   // "image_newline" or "model.image_newline"
  std::string lm_head;         // "language_model.lm_head.weight" or "lm_head.weight"

  static LlavaNextWeightNames detect(const io::Checkpoint& checkpoint);
};

struct LlavaNextConfig {
  DecoderConfig text;
  ClipVisionConfig vision;
  std::vector<Resolution> pinpoints;
  int64_t image_token_index = 32000;
  std::string projector_act = "gelu";
};

LlavaNextConfig read_llava_next_config(const std::string& directory, const io::Checkpoint& checkpoint,
                                       const LlavaNextWeightNames& names);

class LlavaNextModel : public EmbeddingModel, public torch::nn::Module {
 public:
  LlavaNextModel(io::Checkpoint& checkpoint, const LlavaNextConfig& config, const LlavaNextWeightNames& names);

  torch::Tensor hidden_states(const EncodeBatch& batch) const override;
  torch::Tensor input_embeddings(const EncodeBatch& batch) const;

  // Projected features of one image's views [num_patches, side^2, hidden] packed as
  // [base view][unpadded grid rows, each closed by image_newline].
  torch::Tensor pack(const torch::Tensor& projected, const AnyresLayout& layout) const;

  const Decoder& decoder() const { return *decoder_; }
  const LlavaNextConfig& config() const { return config_; }

 private:
  LlavaNextConfig config_;
  std::shared_ptr<ClipVisionTower> vision_;
  std::shared_ptr<Linear> projector_in_, projector_out_;
  torch::Tensor image_newline_;
  std::shared_ptr<Decoder> decoder_;
};

}  // namespace vlm2vec::models
