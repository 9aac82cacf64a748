#include "support/text_batches.h"

#include <torch/torch.h>

namespace vlm2vec::testing {

models::EncodeBatch random_text_batch(int64_t rows, uint64_t seed) {
  torch::manual_seed(seed);
  const int64_t seq = 9;
  models::EncodeBatch batch;
  batch.input_ids = torch::randint(1, 500, {rows, seq}, torch::kLong);
  batch.attention_mask = torch::zeros({rows, seq}, torch::kLong);
  const auto lengths = torch::randint(3, seq + 1, {rows}, torch::kLong);
  for (int64_t r = 0; r < rows; ++r) batch.attention_mask[r].narrow(0, 0, lengths[r].item<int64_t>()).fill_(1);
  return batch;
}

}  // namespace vlm2vec::testing
