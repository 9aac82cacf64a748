#include "training/trainer.h"


#include <nlohmann/json.hpp>

#include "common/error.h"
#include "io/atomic_file.h"
#include "io/checkpoint.h"
#include "io/file_system.h"
#include "io/json_file.h"
#include "training/model_writer.h"
#include "training/rng_state.h"

namespace vlm2vec::training {
Trainer::Trainer(models::EmbeddingModel& model, TrainerOptions options) : model_(model), options_(std::move(options)) {
  check_argument(options_.total_steps >= 1, "total steps must be >= 1");
  check_argument(options_.warmup_steps >= 0 && options_.learning_rate > 0.0, "need warmup >= 0 and a positive learning rate");
  check_argument(options_.temperature > 0.0, "temperature must be positive");
  torch::manual_seed(options_.seed);
  auto& module = module_of(model_);
  if (options_.full) {
    check_argument(model_.info().dtype == torch::kFloat32,
                   "full fine-tuning needs fp32 weights (load the model with dtype fp32)");
    for (auto& parameter : module.parameters()) {
      parameter.set_requires_grad(true);
      parameters_.push_back(parameter);
    }
  } else {
    if (options_.adapter.targets.empty()) options_.adapter.targets = default_targets(model_.info().architecture);
    adapted_ = attach_adapters(model_, options_.adapter);
    parameters_ = adapter_parameters(adapted_);
  }
  optimizer_ = std::make_unique<torch::optim::AdamW>(
      parameters_, torch::optim::AdamWOptions(options_.learning_rate).weight_decay(options_.weight_decay));
}

double Trainer::learning_rate_at(int64_t completed) const {
  const int64_t warmup = options_.warmup_steps, total = options_.total_steps;
  double factor;
  if (completed < warmup) {
    factor = static_cast<double>(completed) / static_cast<double>(std::max<int64_t>(1, warmup));
  } else {
    factor = std::max(0.0, static_cast<double>(total - completed) / static_cast<double>(std::max<int64_t>(1, total - warmup)));
  }
  return options_.learning_rate * factor;
}

StepStats Trainer::step(const ContrastiveChunks& batch) {
  auto& module = module_of(model_);
  module.train(true);
  optimizer_->zero_grad();
  StepLoss loss;
  try {
    loss = contrastive_backward(model_, batch, options_.temperature, options_.grad_cache);
  } catch (...) {
    optimizer_->zero_grad();  // a failed step leaves no partial gradients behind
    module.train(false);
    throw;
  }
  StepStats stats;
  std::vector<torch::Tensor> with_grad;
  for (const auto& p : parameters_) {
    if (p.grad().defined()) with_grad.push_back(p);
  }
  stats.grad_norm = options_.max_grad_norm > 0.0
                        ? torch::nn::utils::clip_grad_norm_(with_grad, options_.max_grad_norm)
                        : torch::nn::utils::clip_grad_norm_(with_grad, std::numeric_limits<double>::infinity());
  stats.learning_rate = learning_rate_at(step_);
  for (auto& group : optimizer_->param_groups()) {
    static_cast<torch::optim::AdamWOptions&>(group.options()).lr(stats.learning_rate);
  }
  optimizer_->step();
  module.train(false);
  ++step_;
  stats.step = step_;
  stats.loss = loss.loss;
  stats.accuracy = loss.accuracy;
  return stats;
}

void Trainer::save(const std::string& directory, const std::string& base_model) const {
  const std::string building = directory + ".partial";
  io::fresh_directory(building);
  try {
    if (options_.full) {
      save_model_directory(model_, building + "/model");
    } else {
      save_peft_adapter(building, options_.adapter, adapted_, base_model);
    }
    torch::serialize::OutputArchive archive;
    optimizer_->save(archive);
    const RngState rng = RngState::capture();
    archive.write("rng_cpu", rng.cpu);
    if (rng.cuda.defined()) archive.write("rng_cuda", rng.cuda);
    archive.save_to(building + "/trainer_state.pt");
    const nlohmann::json state = {{"step", step_},
                                  {"total_steps", options_.total_steps},
                                  {"learning_rate", options_.learning_rate},
                                  {"warmup_steps", options_.warmup_steps},
                                  {"temperature", options_.temperature},
                                  {"seed", options_.seed}};
    io::write_text_file(building + "/trainer_state.json", state.dump(2) + "\n");
  } catch (...) {
    io::remove_tree(building);
    throw;
  }
  // The old checkpoint of this name is replaced only now that the new one is complete.
  io::replace_directory(building, directory);
}

void Trainer::load_model_weights(const std::string& directory) {
  io::Checkpoint stored(directory, torch::kFloat32, torch::kCPU);
  torch::NoGradGuard no_grad;
  for (const auto& [name, tensor] : model_.weights()) {
    if (!stored.contains(name)) throw Error(VLM2VEC_ERR_BAD_MODEL, directory + " lacks the tensor " + name);
    const auto saved = stored.raw(name);
    if (saved.sizes() != tensor.sizes()) throw Error(VLM2VEC_ERR_BAD_MODEL, directory + ": " + name + " has another shape");
    const_cast<torch::Tensor&>(tensor).copy_(saved);
  }
}

void Trainer::resume(const std::string& directory) {
  const auto state = io::read_json_file(directory + "/trainer_state.json");
  if (options_.full) {
    load_model_weights(directory + "/model");
  } else {
    load_adapter_tensors(directory + "/adapter_model.safetensors", adapted_);
  }
  torch::serialize::InputArchive archive;
  archive.load_from(directory + "/trainer_state.pt");
  optimizer_->load(archive);
  RngState rng;
  archive.read("rng_cpu", rng.cpu);
  torch::Tensor cuda_state;
  if (archive.try_read("rng_cuda", cuda_state)) rng.cuda = cuda_state;
  rng.restore();
  step_ = io::required<int64_t>(state, "step", directory + "/trainer_state.json");
}

}  // namespace vlm2vec::training
