// C ABI: training runs (vlm2vec_trainer) and adapters on loaded models.
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "abi/guard.h"
#include "abi/model_handle.h"
#include "abi/training_handle.h"
#include "training/adapters.h"
#include "training/model_writer.h"
#include "training/trainer.h"
#include "vlm2vec.h"

namespace {

using vlm2vec::Error;

std::vector<std::string> split_targets(const char* text) {
  std::vector<std::string> targets;
  if (text == nullptr) return targets;
  std::stringstream stream(text);
  std::string item;
  while (std::getline(stream, item, ',')) {
    const auto first = item.find_first_not_of(' '), last = item.find_last_not_of(' ');
    if (first != std::string::npos) targets.push_back(item.substr(first, last - first + 1));
  }
  return targets;
}

std::vector<vlm2vec::models::EncodeBatch> chunks(const vlm2vec_batch* batches, int64_t count, const char* what,
                                                 bool required) {
  vlm2vec::check_argument(count >= (required ? 1 : 0), std::string(what) + ": need " + (required ? "at least one" : "a non-negative number of") + " chunk(s), got " + std::to_string(count));
  if (count > 0) vlm2vec::check_not_null(batches, what);
  std::vector<vlm2vec::models::EncodeBatch> views;
  for (int64_t i = 0; i < count; ++i) views.push_back(vlm2vec::abi::batch_view(batches[i]));
  return views;
}

}  // namespace

extern "C" int32_t vlm2vec_trainer_create(vlm2vec_model* model, const vlm2vec_train_options* options,
                                          vlm2vec_trainer** out) {
  return vlm2vec::abi::guarded([&] {
    vlm2vec::check_not_null(out, "out (vlm2vec_trainer**)");
    *out = nullptr;
    auto& impl = vlm2vec::abi::checked_model(model);
    vlm2vec::check_not_null(options, "options");
    vlm2vec::training::TrainerOptions o;
    o.learning_rate = options->learning_rate;
    o.weight_decay = options->weight_decay;
    o.max_grad_norm = options->max_grad_norm;
    o.temperature = options->temperature;
    o.warmup_steps = options->warmup_steps;
    o.total_steps = options->total_steps;
    o.grad_cache = options->grad_cache != 0;
    o.full = options->full != 0;
    o.seed = static_cast<uint64_t>(options->seed);
    o.adapter.settings.rank = options->lora_rank;
    o.adapter.settings.alpha = options->lora_alpha;
    o.adapter.settings.dropout = options->lora_dropout;
    o.adapter.settings.dora = options->use_dora != 0;
    o.adapter.targets = split_targets(options->targets);
    auto handle = std::make_unique<vlm2vec_trainer>();
    handle->impl = std::make_unique<vlm2vec::training::Trainer>(impl, o);
    *out = handle.release();
  });
}

extern "C" int32_t vlm2vec_trainer_step(vlm2vec_trainer* trainer, const vlm2vec_batch* queries, int64_t num_queries,
                                        const vlm2vec_batch* targets, int64_t num_targets,
                                        const vlm2vec_batch* negatives, int64_t num_negatives,
                                        vlm2vec_train_stats* out) {
  return vlm2vec::abi::guarded([&] {
    auto& impl = vlm2vec::abi::checked_trainer(trainer);
    vlm2vec::check_not_null(out, "out (vlm2vec_train_stats*)");
    vlm2vec::training::ContrastiveChunks batch;
    batch.queries = chunks(queries, num_queries, "queries", true);
    batch.targets = chunks(targets, num_targets, "targets", true);
    batch.negatives = chunks(negatives, num_negatives, "negatives", false);
    const auto stats = impl.step(batch);
    *out = vlm2vec_train_stats{stats.step, stats.loss, stats.grad_norm, stats.learning_rate, stats.accuracy,
                               stats.communication_seconds};
  });
}

extern "C" int32_t vlm2vec_trainer_save(const vlm2vec_trainer* trainer, const char* directory, const char* base_model) {
  return vlm2vec::abi::guarded([&] {
    auto& impl = vlm2vec::abi::checked_trainer(trainer);
    vlm2vec::check_not_null(directory, "directory");
    impl.save(directory, base_model == nullptr ? "" : base_model);
  });
}

extern "C" int32_t vlm2vec_trainer_resume(vlm2vec_trainer* trainer, const char* directory) {
  return vlm2vec::abi::guarded([&] {
    auto& impl = vlm2vec::abi::checked_trainer(trainer);
    vlm2vec::check_not_null(directory, "directory");
    impl.resume(directory);
  });
}

extern "C" void vlm2vec_trainer_free(vlm2vec_trainer* trainer) {
  if (trainer == nullptr || trainer->tag != vlm2vec_trainer::kLiveTag) return;
  trainer->tag = 0;
  delete trainer;
}

extern "C" int32_t vlm2vec_model_load_adapter(vlm2vec_model* model, const char* adapter_dir, int32_t merge) {
  return vlm2vec::abi::guarded([&] {
    auto& impl = vlm2vec::abi::checked_model(model);
    vlm2vec::check_not_null(adapter_dir, "adapter_dir");
    vlm2vec::training::load_peft_adapter(adapter_dir, impl);
    if (merge != 0) vlm2vec::training::merge_adapters(impl);
  });
}

extern "C" int32_t vlm2vec_model_save(const vlm2vec_model* model, const char* out_dir) {
  return vlm2vec::abi::guarded([&] {
    auto& impl = vlm2vec::abi::checked_model(const_cast<vlm2vec_model*>(model));
    vlm2vec::check_not_null(out_dir, "out_dir");
    for (const auto& layer : vlm2vec::training::linear_layers(impl)) {
      vlm2vec::check_argument(layer->adapter() == nullptr,
                              "layer " + layer->name() + " has an unmerged adapter: load the adapter with merge, or save the adapter itself");
    }
    vlm2vec::training::save_model_directory(impl, out_dir);
  });
}
