// Phi-3.5-vision as an embedding model: image features written at the negative-id
// placeholder positions of the prompt, the Phi-3 decoder, its final norm.
#pragma once

#include <torch/torch.h>

#include <memory>
#include <string>

#include "io/checkpoint.h"
#include "models/layers/clip_vision.h"
#include "models/embedding_model.h"
#include "models/layers/decoder.h"
#include "models/phi3v/phi3v_image_embedding.h"

namespace vlm2vec::models {

struct Phi3VConfig {
  DecoderConfig text;
  int64_t pad_token_id = 32000;
  ClipVisionConfig vision;
  int64_t num_crops = 4;  // sub-crops per image (preprocessor_config.json)
};

// Reads config.json (and preprocessor_config.json when present) of a phi3_v directory. The
// CLIP sizes come from img_processor.clip_config when present, else from the checkpoint's
// tensor shapes, else from CLIP ViT-L/14-336.
Phi3VConfig read_phi3v_config(const std::string& directory, const io::Checkpoint& checkpoint);

class Phi3VModel : public EmbeddingModel, public torch::nn::Module {
 public:
  Phi3VModel(io::Checkpoint& checkpoint, const Phi3VConfig& config);

  torch::Tensor hidden_states(const EncodeBatch& batch) const override;

  // The decoder's input: token embeddings with the image features written over the
  // placeholder rows. [batch, seq, hidden].
  torch::Tensor input_embeddings(const EncodeBatch& batch) const;

  const Decoder& decoder() const { return *decoder_; }
  const Phi3VImageEmbedding& image_embedding() const { return *images_; }

 private:
  Phi3VConfig config_;
  std::shared_ptr<Decoder> decoder_;
  std::shared_ptr<Phi3VImageEmbedding> images_;
};

}  // namespace vlm2vec::models
