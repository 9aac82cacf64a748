#include "training/contrastive_step.h"

#include <string>

#include "common/error.h"
#include "ops/fused_infonce.h"
#include "ops/last_token_pool.h"
#include "training/rng_state.h"

namespace vlm2vec::training {
namespace {

int64_t rows(const std::vector<models::EncodeBatch>& chunks) {
  int64_t total = 0;
  for (const auto& chunk : chunks) total += chunk.input_ids.size(0);
  return total;
}

std::vector<const models::EncodeBatch*> all_chunks(const ContrastiveChunks& batch) {
  std::vector<const models::EncodeBatch*> chunks;
  for (const auto* side : {&batch.queries, &batch.targets, &batch.negatives}) {
    for (const auto& chunk : *side) chunks.push_back(&chunk);
  }
  return chunks;
}

void check_batch(const ContrastiveChunks& batch) {
  check_argument(!batch.queries.empty() && !batch.targets.empty(), "a training step needs queries and targets");
  for (const auto* chunk : all_chunks(batch)) {
    check_argument(chunk->input_ids.defined() && chunk->input_ids.dim() == 2 && chunk->input_ids.size(0) >= 1,
                   "every chunk of a training step must hold at least one example");
  }
  const int64_t queries = rows(batch.queries), targets = rows(batch.targets);
  check_argument(queries == targets, "a training step has " + std::to_string(queries) + " queries but " +
                                         std::to_string(targets) +
                                         " targets: each query needs exactly one positive target (pass extra "
                                         "candidates as hard negatives)");
}

double in_batch_accuracy(const torch::Tensor& q, const torch::Tensor& t) {
  torch::NoGradGuard no_grad;
  const auto best = q.mm(t.t()).argmax(1);
  return (best == torch::arange(q.size(0), best.options())).to(torch::kFloat64).mean().item<double>();
}

}  // namespace

torch::Tensor embed_for_training(models::EmbeddingModel& model, const models::EncodeBatch& batch) {
  const auto hidden = model.hidden_states(batch).to(torch::kFloat32);
  const auto lengths = (models::pooled_positions(batch.attention_mask) + 1).to(hidden.device());
  namespace F = torch::nn::functional;
  return F::normalize(ops::last_token_pool(hidden, lengths), F::NormalizeFuncOptions().p(2.0).dim(-1).eps(1e-12));
}

StepLoss contrastive_backward(models::EmbeddingModel& model, const ContrastiveChunks& batch, double temperature,
                              bool grad_cache) {
  check_batch(batch);
  const auto chunks = all_chunks(batch);
  const size_t query_chunks = batch.queries.size();
  std::vector<torch::Tensor> reps;
  std::vector<RngState> states;
  for (const auto* chunk : chunks) {
    if (grad_cache) {
      states.push_back(RngState::capture());  // what the replay restores
      torch::NoGradGuard no_grad;
      reps.push_back(embed_for_training(model, *chunk));
    } else {
      reps.push_back(embed_for_training(model, *chunk));
    }
  }

  std::vector<torch::Tensor> query_reps(reps.begin(), reps.begin() + static_cast<long>(query_chunks));
  std::vector<torch::Tensor> target_reps(reps.begin() + static_cast<long>(query_chunks), reps.end());
  auto q = torch::cat(query_reps);
  auto t = torch::cat(target_reps);
  if (grad_cache) {
    q = q.detach().requires_grad_(true);
    t = t.detach().requires_grad_(true);
  }
  const auto loss = ops::infonce_loss(q, t, temperature);
  loss.backward();
  StepLoss result{loss.item<double>(), in_batch_accuracy(q, t), q.size(0)};
  if (!grad_cache) return result;
  const RngState after_forward = RngState::capture();

  // Replay: each chunk again, same dropout masks, backward of the surrogate sum(rep * grad).
  const auto sizes_of = [](const std::vector<torch::Tensor>& parts) {
    std::vector<int64_t> sizes;
    for (const auto& part : parts) sizes.push_back(part.size(0));
    return sizes;
  };
  auto cached = q.grad().split_with_sizes(sizes_of(query_reps));
  for (const auto& piece : t.grad().split_with_sizes(sizes_of(target_reps))) cached.push_back(piece);
  for (size_t i = 0; i < chunks.size(); ++i) {
    states[i].restore();
    const auto rep = embed_for_training(model, *chunks[i]);
    (rep * cached[i]).sum().backward();
  }
  after_forward.restore();
  return result;
}

}  // namespace vlm2vec::training
