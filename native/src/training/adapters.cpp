#include "training/adapters.h"

#include <map>
#include <set>

#include <nlohmann/json.hpp>

#include "common/error.h"
#include "io/atomic_file.h"
#include "io/file_system.h"
#include "io/json_file.h"
#include "io/safetensors.h"
#include "models/backbone.h"

namespace vlm2vec::training {
namespace {

const std::string kPrefix = "base_model.model.";

bool matches(const std::string& name, const std::string& target) {
  return name == target ||
         (name.size() > target.size() && name.compare(name.size() - target.size(), target.size(), target) == 0 &&
          name[name.size() - target.size() - 1] == '.');
}

std::string suffix_of(const std::string& name) {
  const auto dot = name.rfind('.');
  return dot == std::string::npos ? name : name.substr(dot + 1);
}

}  // namespace

torch::nn::Module& module_of(models::EmbeddingModel& model) {
  auto* module = dynamic_cast<torch::nn::Module*>(&model);
  check_argument(module != nullptr, "this model cannot be trained: it is not a module tree");
  return *module;
}

std::vector<std::string> default_targets(const std::string& architecture) {
  return models::find_backbone(architecture, "LoRA targets").lora_targets;
}

std::vector<std::shared_ptr<models::Linear>> linear_layers(models::EmbeddingModel& model) {
  std::vector<std::shared_ptr<models::Linear>> layers;
  for (const auto& module : module_of(model).modules(/*include_self=*/false)) {
    if (auto linear = std::dynamic_pointer_cast<models::Linear>(module)) layers.push_back(linear);
  }
  return layers;
}

std::vector<std::shared_ptr<models::Linear>> attach_adapters(models::EmbeddingModel& model, const AdapterSpec& spec) {
  check_argument(!spec.targets.empty(), "no LoRA target modules given");
  const auto all = linear_layers(model);
  std::vector<std::shared_ptr<models::Linear>> chosen;
  std::set<std::string> suffixes;
  for (const auto& layer : all) suffixes.insert(suffix_of(layer->name()));
  for (const auto& target : spec.targets) {
    bool found = false;
    for (const auto& layer : all) found = found || matches(layer->name(), target);
    if (!found) {
      std::string known;
      for (const auto& s : suffixes) known += (known.empty() ? "" : ", ") + s;
      throw Error(VLM2VEC_ERR_INVALID_ARGUMENT, "LoRA target '" + target + "' matches no linear layer of this " +
                                                    model.info().architecture + " model; its layers end in: " + known);
    }
  }
  for (const auto& layer : all) {
    for (const auto& target : spec.targets) {
      if (matches(layer->name(), target)) {
        check_argument(layer->adapter() == nullptr, "layer " + layer->name() + " already has an adapter");
        layer->attach(std::make_shared<models::LoraAdapter>(layer->weight(), spec.settings));
        chosen.push_back(layer);
        break;
      }
    }
  }
  return chosen;
}

std::vector<torch::Tensor> adapter_parameters(const std::vector<std::shared_ptr<models::Linear>>& layers) {
  std::vector<torch::Tensor> parameters;
  for (const auto& layer : layers) {
    const auto& adapter = layer->adapter();
    parameters.push_back(adapter->lora_a());
    parameters.push_back(adapter->lora_b());
    if (adapter->magnitude().defined()) parameters.push_back(adapter->magnitude());
  }
  return parameters;
}

void save_peft_adapter(const std::string& directory, const AdapterSpec& spec,
                       const std::vector<std::shared_ptr<models::Linear>>& layers, const std::string& base_model) {
  io::make_directories(directory);
  std::map<std::string, torch::Tensor> tensors;
  for (const auto& layer : layers) {
    auto& adapter = *layer->adapter();
    const std::string key = kPrefix + layer->name();
    tensors[key + ".lora_A.weight"] = adapter.lora_a().detach().cpu().contiguous();
    tensors[key + ".lora_B.weight"] = adapter.lora_b().detach().cpu().contiguous();
    if (adapter.magnitude().defined()) tensors[key + ".lora_magnitude_vector"] = adapter.magnitude().detach().cpu();
  }
  nlohmann::json config = {
      {"peft_type", "LORA"},
      {"task_type", nullptr},
      {"base_model_name_or_path", base_model},
      {"r", spec.settings.rank},
      {"lora_alpha", spec.settings.alpha},
      {"lora_dropout", spec.settings.dropout},
      {"target_modules", spec.targets},
      {"use_dora", spec.settings.dora},
      {"use_rslora", false},
      {"init_lora_weights", "gaussian"},
      {"bias", "none"},
      {"fan_in_fan_out", false},
      {"inference_mode", true},
  };
  // Tensors first: a directory whose config names a missing tensor file is never left behind.
  io::write_safetensors(directory + "/adapter_model.safetensors", tensors, {{"format", "pt"}});
  io::write_text_file(directory + "/adapter_config.json", config.dump(2) + "\n");
}

AdapterSpec load_peft_adapter(const std::string& directory, models::EmbeddingModel& model) {
  const std::string config_path = directory + "/adapter_config.json";
  const auto config = io::read_json_file(config_path);
  const auto type = io::optional<std::string>(config, "peft_type", "LORA", config_path);
  if (type != "LORA") throw Error(VLM2VEC_ERR_BAD_MODEL, config_path + ": peft_type '" + type + "' is not LORA");
  AdapterSpec spec;
  spec.settings.rank = io::required<int64_t>(config, "r", config_path);
  spec.settings.alpha = io::required<double>(config, "lora_alpha", config_path);
  spec.settings.dropout = io::optional<double>(config, "lora_dropout", 0.0, config_path);
  spec.settings.dora = io::optional<bool>(config, "use_dora", false, config_path);
  const auto& targets = config.at("target_modules");
  if (targets.is_string()) spec.targets = {targets.get<std::string>()};
  else spec.targets = io::required<std::vector<std::string>>(config, "target_modules", config_path);
  if (io::optional<bool>(config, "use_rslora", false, config_path)) {
    throw Error(VLM2VEC_ERR_UNSUPPORTED, config_path + ": rsLoRA scaling is not supported");
  }

  const auto layers = attach_adapters(model, spec);
  try {
    load_adapter_tensors(directory + "/adapter_model.safetensors", layers);
  } catch (...) {
    for (const auto& layer : layers) layer->detach();  // leave the model as it was
    throw;
  }
  return spec;
}

void load_adapter_tensors(const std::string& safetensors_path, const std::vector<std::shared_ptr<models::Linear>>& layers) {
  const auto file = io::SafetensorsFile::open(safetensors_path);
  std::set<std::string> expected;
  torch::NoGradGuard no_grad;
  for (const auto& layer : layers) {
    auto& adapter = *layer->adapter();
    const std::string key = kPrefix + layer->name();
    std::vector<std::pair<std::string, torch::Tensor*>> slots = {{key + ".lora_A.weight", &adapter.lora_a()},
                                                                 {key + ".lora_B.weight", &adapter.lora_b()}};
    if (adapter.magnitude().defined()) slots.emplace_back(key + ".lora_magnitude_vector", &adapter.magnitude());
    for (auto& [name, slot] : slots) {
      expected.insert(name);
      if (!file->contains(name)) throw Error(VLM2VEC_ERR_BAD_MODEL, file->path() + " lacks the tensor " + name);
      const auto stored = file->tensor(name);
      if (stored.sizes() != slot->sizes()) {
        throw Error(VLM2VEC_ERR_BAD_MODEL, file->path() + ": " + name + " has shape " + c10::str(stored.sizes()) +
                                               ", the model needs " + c10::str(slot->sizes()));
      }
      slot->copy_(stored);
    }
  }
  for (const auto& [name, entry] : file->entries()) {
    if (!expected.count(name)) {
      throw Error(VLM2VEC_ERR_BAD_MODEL, file->path() + " holds " + name + ", which names no adapted layer of this model");
    }
  }
}

void merge_adapters(models::EmbeddingModel& model) {
  torch::NoGradGuard no_grad;
  for (const auto& layer : linear_layers(model)) {
    if (!layer->adapter()) continue;
    layer->weight().copy_(layer->adapter()->merged_weight(layer->weight()));
    layer->detach();
  }
}

}  // namespace vlm2vec::training
