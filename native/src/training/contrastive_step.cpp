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

// The ranks' rows in rank order with this rank's slice replaced by local itself, so the
// gradient of anything computed from the result flows into local (and only into it).
torch::Tensor with_peers(const torch::Tensor& local, distributed::ProcessGroup& group, const std::string& what) {
  std::vector<int64_t> rows;
  const auto gathered = group.all_gather_rows(local, what, &rows);
  int64_t start = 0;
  for (int r = 0; r < group.rank(); ++r) start += rows[static_cast<size_t>(r)];
  return torch::cat({gathered.narrow(0, 0, start), local,
                     gathered.narrow(0, start + local.size(0), gathered.size(0) - start - local.size(0))});
}

}  // namespace

torch::Tensor embed_for_training(models::EmbeddingModel& model, const models::EncodeBatch& batch) {
  const auto hidden = model.hidden_states(batch).to(torch::kFloat32);
  const auto lengths = (models::pooled_positions(batch.attention_mask) + 1).to(hidden.device());
  namespace F = torch::nn::functional;
  return F::normalize(ops::last_token_pool(hidden, lengths), F::NormalizeFuncOptions().p(2.0).dim(-1).eps(1e-12));
}

StepLoss contrastive_backward(models::EmbeddingModel& model, const ContrastiveChunks& batch, double temperature,
                              bool grad_cache, distributed::ProcessGroup* group) {
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
  std::vector<torch::Tensor> candidate_reps(reps.begin() + static_cast<long>(query_chunks), reps.end());
  auto q = torch::cat(query_reps);
  auto c = torch::cat(candidate_reps);  // this rank's targets, then its negatives
  if (grad_cache) {
    q = q.detach().requires_grad_(true);
    c = c.detach().requires_grad_(true);
  }
  torch::Tensor all_q = q, all_c = c;
  if (group != nullptr && group->world_size() > 1) {
    const int64_t targets = rows(batch.targets);
    all_q = with_peers(q, *group, "all-gather of the query representations");
    all_c = torch::cat({with_peers(c.narrow(0, 0, targets), *group, "all-gather of the target representations"),
                        with_peers(c.narrow(0, targets, c.size(0) - targets), *group,
                                   "all-gather of the hard-negative representations")});
  }
  const auto loss = ops::infonce_loss(all_q, all_c, temperature);
  loss.backward();
  StepLoss result{loss.item<double>(), in_batch_accuracy(all_q, all_c), all_q.size(0)};
  if (!grad_cache) return result;
  const RngState after_forward = RngState::capture();

  // Replay: each chunk again, same dropout masks, backward of the surrogate sum(rep * grad).
  const auto sizes_of = [](const std::vector<torch::Tensor>& parts) {
    std::vector<int64_t> sizes;
    for (const auto& part : parts) sizes.push_back(part.size(0));
    return sizes;
  };
  auto cached = q.grad().split_with_sizes(sizes_of(query_reps));
  for (const auto& piece : c.grad().split_with_sizes(sizes_of(candidate_reps))) cached.push_back(piece);
  for (size_t i = 0; i < chunks.size(); ++i) {
    states[i].restore();
    const auto rep = embed_for_training(model, *chunks[i]);
    (rep * cached[i]).sum().backward();
  }
  after_forward.restore();
  return result;
}

}  // namespace vlm2vec::training
