// Last-token pooling + L2 normalisation: how VLM2Vec reads one embedding out of a decoder.
#pragma once

#include <torch/torch.h>

namespace vlm2vec::ops {

// hidden: [batch, seq_len, hidden] floating point; lengths: [batch] int64, each in
// [1, seq_len] (right padding). Returns [batch, hidden] rows of unit L2 norm, computed as
// h / max(||h||, 1e-12) like torch.nn.functional.normalize.
torch::Tensor last_token_pool_normalize(const torch::Tensor& hidden, const torch::Tensor& lengths);

// The same rows without normalisation: [batch, hidden] hidden[b, lengths[b] - 1].
torch::Tensor last_token_pool(const torch::Tensor& hidden, const torch::Tensor& lengths);

// The GradCache replay backward of last_token_pool_normalize: adds d loss / d hidden into
// grad_hidden [batch, seq_len, hidden] at the pooled positions only, given grad_reps
// [batch, hidden], the cached gradient of the normalised rows:
//   (g - y (y . g)) / ||h||  where ||h|| > 1e-12, else g / 1e-12  (y = h / ||h||).
// CUDA fp32 tensors use the kernel when linked; otherwise the CPU twin (libtorch ops).
void last_token_pool_normalize_backward(const torch::Tensor& hidden, const torch::Tensor& lengths,
                                        const torch::Tensor& grad_reps, torch::Tensor& grad_hidden);

}  // namespace vlm2vec::ops
