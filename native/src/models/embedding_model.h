// What every backbone offers the C ABI: hidden states for a tokenised, padded batch with its
// images, and facts about itself. Pooling and normalisation are shared.
#pragma once

#include <torch/torch.h>

#include <map>
#include <string>
#include <vector>

namespace vlm2vec::models {

// How a backbone's processor lays out an image's pixels.
enum class ImageLayout {
  kViews,    // [images, views, channels, height, width]: crops or tiles (Phi-3.5-V, LLaVA-NeXT)
  kPatches,  // [patches of all images, values] with a patch grid per image (Qwen2-VL)
};

struct EncodeBatch {
  torch::Tensor input_ids;       // [batch, seq] int64, padded on the side left_padded says
  torch::Tensor attention_mask;  // [batch, seq] int64: 1 real token, 0 padding
  torch::Tensor pixel_values;    // float, in one ImageLayout, or undefined (no images)
  torch::Tensor image_sizes;     // [images, 2] int64 (height, width), or undefined
  torch::Tensor image_grid_thw;  // [images, 3] int64 patch grids (kPatches), or undefined
  torch::Tensor position_ids;    // [3, batch, seq] int64 M-RoPE positions, or undefined: the backbone's own
  bool left_padded = false;
};

struct ModelInfo {
  std::string architecture;  // config.json model_type, e.g. "phi3_v"
  int64_t hidden_size = 0;
  int64_t num_layers = 0;
  int64_t image_size = 0;  // side of one image crop in pixels
  int64_t max_crops = 0;   // crops per image the processor produces, global view included
  int64_t parameter_count = 0;
  torch::ScalarType dtype = torch::kFloat32;
  torch::Device device = torch::kCPU;
};

class EmbeddingModel {
 public:
  virtual ~EmbeddingModel() = default;

  // Last-layer hidden states after the final norm: [batch, seq, hidden_size].
  virtual torch::Tensor hidden_states(const EncodeBatch& batch) const = 0;

  const ModelInfo& info() const { return info_; }
  // Facts only the loader knows (parameter count, dtype, device) are filled in by it.
  ModelInfo& mutable_info() { return info_; }

  // The embedding of each example: the hidden state at pooled_positions, L2-normalised when
  // normalize is set. [batch, hidden_size] float32 on the CPU.
  torch::Tensor encode(const EncodeBatch& batch, bool normalize) const;

  // Text written once at load time: tensors found but not used, and similar notes.
  const std::string& load_report() const { return load_report_; }

  // The checkpoint tensors the model's parameters are, by their checkpoint names (set by the
  // loader); trained or merged values show through, so the model can be written back.
  const std::map<std::string, torch::Tensor>& weights() const { return weights_; }
  void set_weights(std::map<std::string, torch::Tensor> weights) { weights_ = std::move(weights); }
  // The directory the model was loaded from.
  const std::string& source_directory() const { return source_directory_; }
  void set_source_directory(std::string directory) { source_directory_ = std::move(directory); }
  void set_load_report(std::string report) { load_report_ = std::move(report); }

 protected:
  ModelInfo info_;

 private:
  std::string load_report_;
  std::map<std::string, torch::Tensor> weights_;
  std::string source_directory_;
};

// The row VLM2Vec pools (MMEBModel._pooling, "last"), for every backbone: the last position when
// every row's last mask entry is 1 (left padding, or none), else each row's last real token.
// [batch] int64 on the mask's device.
torch::Tensor pooled_positions(const torch::Tensor& attention_mask);

// Checks the batch tensors' shapes, the padding and the token ids against the vocabulary,
// naming what is wrong; shared by the backbones. layout is the image layout the backbone takes;
// position_ids are refused unless the backbone takes them.
void check_encode_batch(const EncodeBatch& batch, int64_t vocab_size, ImageLayout layout, bool takes_position_ids = false);

}  // namespace vlm2vec::models
