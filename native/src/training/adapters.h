// Attaching LoRA/DoRA adapters to a model's linear layers by name suffix, saving and loading
// them in PEFT's format, and merging them into the base weights.
//
// PEFT format: adapter_config.json (peft_type "LORA", r, lora_alpha, lora_dropout,
// target_modules, use_dora, init_lora_weights "gaussian", ...) and adapter_model.safetensors
// with keys base_model.model.<layer name>.lora_A.weight, .lora_B.weight and, for DoRA,
// .lora_magnitude_vector (MODELS.md section 1).
#pragma once

#include <torch/torch.h>

#include <string>
#include <vector>

#include "models/embedding_model.h"
#include "models/layers/linear.h"
#include "models/layers/lora_adapter.h"

namespace vlm2vec::training {

struct AdapterSpec {
  models::LoraSettings settings;
  std::vector<std::string> targets;  // module name suffixes, e.g. "qkv_proj"
};

// MODELS.md defaults: the language model's projections plus the CLIP tower's attention.
std::vector<std::string> default_targets(const std::string& architecture);

// The model's module tree (every backbone is a torch::nn::Module); throws for one that is not.
torch::nn::Module& module_of(models::EmbeddingModel& model);

// Every linear layer of the model (a torch::nn::Module), in registration order.
std::vector<std::shared_ptr<models::Linear>> linear_layers(models::EmbeddingModel& model);

// Attaches a fresh adapter to every linear layer whose name ends in ".<target>" (or equals it).
// Throws, attaching nothing, when a target matches no layer, naming it and the suffixes there are.
std::vector<std::shared_ptr<models::Linear>> attach_adapters(models::EmbeddingModel& model, const AdapterSpec& spec);

// The adapted layers' trainable tensors (A, B, magnitude), in a fixed order.
std::vector<torch::Tensor> adapter_parameters(const std::vector<std::shared_ptr<models::Linear>>& layers);

// Writes directory/adapter_config.json and directory/adapter_model.safetensors (each atomically).
void save_peft_adapter(const std::string& directory, const AdapterSpec& spec,
                       const std::vector<std::shared_ptr<models::Linear>>& layers, const std::string& base_model);

// Reads a PEFT adapter directory and attaches it: every key must name an adapted layer and
// every adapted layer must have its tensors, with matching shapes; errors name the key.
AdapterSpec load_peft_adapter(const std::string& directory, models::EmbeddingModel& model);

// Copies a PEFT adapter file's tensors into the adapters already attached to layers: every
// key must name one of them and each must find its tensors, shapes matching; errors name the key.
void load_adapter_tensors(const std::string& safetensors_path, const std::vector<std::shared_ptr<models::Linear>>& layers);

// Folds every attached adapter into its layer's weight and detaches it.
void merge_adapters(models::EmbeddingModel& model);

}  // namespace vlm2vec::training
