// One contrastive step's forward and backward (MODELS.md sections 1 and 2): queries,
// their positive targets and optional hard negatives, each already split into chunks, are
// embedded (last-token pooling, L2 norm), scored by InfoNCE (fused op, temperature tau) and
// back-propagated into the model's trainable parameters, either
//   - with GradCache: every chunk forwarded without a graph (RNG state recorded per chunk), the
//     loss's gradients to the representations cached, then each chunk replayed with its RNG
//     state restored and a graph, back-propagating sum(rep * cached_grad); peak activation
//     memory is one chunk; or
//   - plainly: every chunk forwarded with its graph kept, one backward at the end.
// Both consume the RNG identically, so their parameter gradients agree to float error.
//
// Data-parallel (a process group of W ranks, each holding its own slice of the global batch):
// every rank all-gathers the queries', targets' and negatives' representations, so each query
// is scored against ALL targets of the global batch (VLM2Vec's _dist_gather_tensor); the local
// slice is the rank's own tensor, keeping its graph (or its GradCache leaf). Every rank computes
// the same global mean loss; its gradient reaches only the local slice, so summing the ranks'
// parameter gradients (the trainer all-reduces them) gives the single-process gradient of the
// global batch. The candidate order [targets of rank 0..W-1, negatives of rank 0..W-1] is the
// single process's [targets, negatives] when the ranks hold consecutive slices.
#pragma once

#include <torch/torch.h>

#include <vector>

#include "distributed/process_group.h"
#include "models/embedding_model.h"

namespace vlm2vec::training {

struct ContrastiveChunks {
  std::vector<models::EncodeBatch> queries;    // row i of the concatenation pairs with
  std::vector<models::EncodeBatch> targets;    // row i of this one (same total count)
  std::vector<models::EncodeBatch> negatives;  // optional hard negatives (any count)
};

struct StepLoss {
  double loss = 0.0;      // batch mean InfoNCE
  double accuracy = 0.0;  // in-batch: fraction of queries whose positive scores highest
  int64_t queries = 0;  // in the global batch
};

// The normalised embeddings of batch with autograd (fp32).
torch::Tensor embed_for_training(models::EmbeddingModel& model, const models::EncodeBatch& batch);

// Accumulates d loss / d parameter into the parameters' .grad and returns the loss. With a
// group (world size > 1) the loss is the global batch's and the gradients are this rank's share
// of it (to be summed over the ranks).
StepLoss contrastive_backward(models::EmbeddingModel& model, const ContrastiveChunks& batch, double temperature,
                              bool grad_cache, distributed::ProcessGroup* group = nullptr);

}  // namespace vlm2vec::training
