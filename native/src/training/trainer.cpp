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
  const double communicated = group_ ? group_->communication_seconds() : 0.0;
  try {
    if (group_) group_->set_step(step_ + 1);
    loss = contrastive_backward(model_, batch, options_.temperature, options_.grad_cache, group_.get());
    all_reduce_gradients();
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
  stats.communication_seconds = group_ ? group_->communication_seconds() - communicated : 0.0;
  return stats;
}

void Trainer::all_reduce_gradients() {
  if (!group_ || group_->world_size() == 1) return;
  // Which parameters got a gradient on some rank: those get one on every rank (zeros where
  // this rank's examples did not reach them), as a single process on the global batch would.
  auto reached = torch::zeros({static_cast<int64_t>(parameters_.size())}, torch::TensorOptions().dtype(torch::kInt32).device(group_->options().device));
  for (size_t i = 0; i < parameters_.size(); ++i) {
    if (parameters_[i].grad().defined()) reached[static_cast<int64_t>(i)] = 1;
  }
  std::vector<torch::Tensor> flags{reached};
  group_->all_reduce_sum(flags, "all-reduce of which parameters have gradients");
  const auto any = reached.cpu();
  // Flat buckets of at most 64 MiB of one dtype and device: few collectives, bounded extra memory.
  constexpr int64_t kBucketBytes = int64_t{64} << 20;
  std::vector<torch::Tensor> bucket;
  int64_t bytes = 0;
  const auto flush = [&] {
    if (bucket.empty()) return;
    std::vector<torch::Tensor> flat_views;
    for (auto& grad : bucket) flat_views.push_back(grad.reshape({-1}));
    std::vector<torch::Tensor> flat{torch::cat(flat_views)};
    group_->all_reduce_sum(flat, "all-reduce of the gradients");
    int64_t offset = 0;
    for (auto& grad : bucket) {
      grad.copy_(flat[0].narrow(0, offset, grad.numel()).view_as(grad));
      offset += grad.numel();
    }
    bucket.clear();
    bytes = 0;
  };
  for (size_t i = 0; i < parameters_.size(); ++i) {
    auto& p = parameters_[i];
    if (any[static_cast<int64_t>(i)].item<int32_t>() == 0) continue;
    if (!p.grad().defined()) p.mutable_grad() = torch::zeros_like(p);
    auto grad = p.grad();
    if (!bucket.empty() && (bucket.front().scalar_type() != grad.scalar_type() ||
                            bucket.front().device() != grad.device() || bytes + grad.nbytes() > kBucketBytes)) {
      flush();
    }
    bucket.push_back(grad);
    bytes += static_cast<int64_t>(grad.nbytes());
  }
  flush();
}

void Trainer::attach_group(std::shared_ptr<distributed::ProcessGroup> group) {
  check_not_null(group.get(), "group");
  group_ = std::move(group);
  torch::NoGradGuard no_grad;
  for (auto& p : parameters_) {
    auto copy = p.detach().clone();
    group_->broadcast_from_rank0(copy, "broadcast of the trainable parameters from rank 0");
    p.detach().copy_(copy);
  }
  // Then every parameter, frozen ones too: [count, sum, sum of squares] per tensor in float64,
  // compared with rank 0's. Equal weights give equal sums up to the reduction order, hence the
  // relative tolerance.
  auto& module = module_of(model_);
  const auto named = module.named_parameters();
  auto sums = torch::zeros({static_cast<int64_t>(named.size()), 3}, torch::kFloat64);
  int64_t row = 0;
  for (const auto& item : named) {
    const auto values = item.value().detach().to(torch::kCPU, torch::kFloat64);
    sums[row][0] = static_cast<double>(values.numel());
    sums[row][1] = values.sum().item<double>();
    sums[row][2] = values.square().sum().item<double>();
    ++row;
  }
  auto reference = sums.to(group_->options().device, /*non_blocking=*/false, /*copy=*/true);  // not an alias of sums
  group_->broadcast_from_rank0(reference, "broadcast of rank 0's parameter checksums");
  reference = reference.cpu();
  row = 0;
  for (const auto& item : named) {
    const auto mine = sums[row], theirs = reference[row];
    const double tolerance = 1e-6 * (1.0 + theirs.abs().max().item<double>());
    if ((mine - theirs).abs().max().item<double>() > tolerance) {
      throw Error(VLM2VEC_ERR_INVALID_ARGUMENT,
                  "rank " + std::to_string(group_->rank()) + "'s parameter " + item.key() +
                      " differs from rank 0's: every rank must load the same --model (and --adapter / checkpoint) "
                      "with the same settings");
    }
    ++row;
  }
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
