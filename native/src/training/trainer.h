// The optimisation loop's native half: adapters (or full fine-tuning), one contrastive
// step per call (GradCache or plain), global-norm clipping, AdamW with a linear warm-up and
// linear decay (Hugging Face's get_linear_schedule_with_warmup), and checkpoints that resume
// exactly (optimizer moments, step, RNG state). With a process group attached, each step is one
// data-parallel step of the global batch (see contrastive_step.h): the trainable gradients are
// summed over the ranks in flat buckets before clipping, so every rank takes the same step.
#pragma once

#include <torch/torch.h>

#include <memory>
#include <string>

#include "distributed/process_group.h"
#include "models/embedding_model.h"
#include "training/adapters.h"
#include "training/contrastive_step.h"

namespace vlm2vec::training {

struct TrainerOptions {
  double learning_rate = 2e-5;
  int64_t warmup_steps = 0;
  int64_t total_steps = 1;
  double weight_decay = 0.0;
  double max_grad_norm = 1.0;  // <= 0: no clipping
  double temperature = 0.02;
  bool grad_cache = true;
  bool full = false;           // full fine-tuning instead of adapters
  AdapterSpec adapter;         // targets empty: the architecture's defaults
  uint64_t seed = 42;
};

struct StepStats {
  int64_t step = 0;  // steps completed, this one included
  double loss = 0.0;
  double grad_norm = 0.0;  // before clipping
  double learning_rate = 0.0;
  double accuracy = 0.0;
  double communication_seconds = 0.0;  // this step's time in collectives (0 without a group)
};

class Trainer {
 public:
  Trainer(models::EmbeddingModel& model, TrainerOptions options);

  StepStats step(const ContrastiveChunks& batch);

  // Makes this a data-parallel trainer: the trainable parameters are replaced by rank 0's and
  // every parameter is checked against rank 0's (a rank that loaded another model, or other
  // adapter settings, fails naming itself). Call after resume, on every rank.
  void attach_group(std::shared_ptr<distributed::ProcessGroup> group);

  // Writes directory/ (created atomically: built beside it, then renamed; an existing
  // directory of that name is replaced only once the new one is complete): the PEFT adapter,
  // or with full fine-tuning the whole model as directory/model/, and trainer_state.pt /
  // trainer_state.json.
  void save(const std::string& directory, const std::string& base_model) const;

  // Restores adapter tensors, optimizer moments, step and RNG from a saved directory.
  void resume(const std::string& directory);

  int64_t steps_done() const { return step_; }
  double learning_rate_at(int64_t completed_steps) const;
  const std::vector<torch::Tensor>& parameters() const { return parameters_; }
  const TrainerOptions& options() const { return options_; }

 private:
  void load_model_weights(const std::string& directory);
  void all_reduce_gradients();

  models::EmbeddingModel& model_;
  TrainerOptions options_;
  std::vector<std::shared_ptr<models::Linear>> adapted_;
  std::vector<torch::Tensor> parameters_;
  std::unique_ptr<torch::optim::AdamW> optimizer_;
  std::shared_ptr<distributed::ProcessGroup> group_;
  int64_t step_ = 0;
};

}  // namespace vlm2vec::training
