#include "models/embedding_model.h"

#include <torch/torch.h>

#include "common/error.h"
#include "ops/last_token_pool.h"

namespace vlm2vec::models {

torch::Tensor EmbeddingModel::encode(const EncodeBatch& batch, bool normalize) const {
  torch::NoGradGuard no_grad;
  const auto hidden = hidden_states(batch).to(torch::kFloat32);
  // The pooling ops take lengths: the pooled position + 1.
  const auto lengths = (pooled_positions(batch.attention_mask) + 1).to(hidden.device());
  const auto pooled = normalize ? ops::last_token_pool_normalize(hidden, lengths) : ops::last_token_pool(hidden, lengths);
  return pooled.to(torch::kCPU).contiguous();
}

torch::Tensor pooled_positions(const torch::Tensor& attention_mask) {
  const auto mask = attention_mask.to(torch::kLong);
  const int64_t seq = mask.size(1);
  if (mask.select(1, seq - 1).sum().item<int64_t>() == mask.size(0)) {
    return torch::full({mask.size(0)}, seq - 1, torch::TensorOptions().dtype(torch::kLong).device(mask.device()));
  }
  return mask.sum(1) - 1;
}

void check_encode_batch(const EncodeBatch& batch, int64_t vocab_size, ImageLayout layout, bool takes_position_ids) {
  check_argument(batch.input_ids.dim() == 2 && batch.input_ids.size(0) >= 1 && batch.input_ids.size(1) >= 1,
                 "input_ids must be [batch >= 1, seq_len >= 1]");
  check_argument(batch.attention_mask.sizes() == batch.input_ids.sizes(), "attention_mask must have the shape of input_ids");
  const auto mask = batch.attention_mask;
  check_argument(((mask == 0) | (mask == 1)).all().item<bool>(), "attention_mask may only hold 0 and 1");
  const auto lengths = mask.sum(1);
  const int64_t seq = mask.size(1);
  for (int64_t b = 0; b < mask.size(0); ++b) {
    const int64_t length = lengths[b].item<int64_t>();
    check_argument(length >= 1, "example " + std::to_string(b) + " has no real token (attention_mask all 0)");
    if (batch.left_padded) {
      // Left padding: zeros then ones, so the real tokens end at the last position.
      check_argument(mask[b].narrow(0, seq - length, length).all().item<bool>(),
                     "example " + std::to_string(b) + " is not left-padded: its attention_mask has a 0 after its first 1");
    } else {
      // Right padding: ones then zeros, so the last real token is at length - 1.
      check_argument(mask[b].narrow(0, 0, length).all().item<bool>(),
                     "example " + std::to_string(b) + " is not right-padded: its attention_mask has a 0 before its last 1");
    }
  }
  const auto too_large = (batch.input_ids >= vocab_size).nonzero();
  if (too_large.size(0) > 0) {
    const int64_t b = too_large[0][0].item<int64_t>(), t = too_large[0][1].item<int64_t>();
    throw Error(VLM2VEC_ERR_INVALID_ARGUMENT, "input_ids[" + std::to_string(b) + "][" + std::to_string(t) + "] = " +
                                                  std::to_string(batch.input_ids[b][t].item<int64_t>()) +
                                                  " is outside the vocabulary of " + std::to_string(vocab_size));
  }
  if (batch.position_ids.defined()) {
    check_argument(takes_position_ids, "position_ids were given, but only Qwen2-VL backbones take them (M-RoPE); pass NULL");
    check_argument(batch.position_ids.dim() == 3 && batch.position_ids.size(0) == 3 &&
                       batch.position_ids.size(1) == batch.input_ids.size(0) && batch.position_ids.size(2) == seq,
                   "position_ids must be [3, batch, seq_len]");
  }
  if (!batch.pixel_values.defined()) return;
  if (layout == ImageLayout::kViews) {
    check_argument(batch.pixel_values.dim() == 5 && !batch.image_grid_thw.defined(),
                   "this backbone takes images as views [views, channels, height, width] (rank 4 per image), not patches");
    check_argument(batch.image_sizes.defined() && batch.image_sizes.dim() == 2 && batch.image_sizes.size(1) == 2 &&
                       batch.image_sizes.size(0) == batch.pixel_values.size(0),
                   "image_sizes must be [images, 2] with one (height, width) per image");
  } else {
    check_argument(batch.pixel_values.dim() == 2 && batch.image_grid_thw.defined() && batch.image_grid_thw.dim() == 2 &&
                       batch.image_grid_thw.size(1) == 3,
                   "this backbone takes images as patches [patches, values] with a grid_thw each (rank 2 per image), not views");
    check_argument(batch.image_grid_thw.prod(1).sum().item<int64_t>() == batch.pixel_values.size(0),
                   "the images' grid_thw products must add up to the patch rows of pixel_values");
  }
}

}  // namespace vlm2vec::models
