#include "models/model_loader.h"

#include <torch/version.h>

#include <filesystem>

#include "common/error.h"
#include "io/checkpoint.h"
#include "io/json_file.h"
#include "models/backbone.h"

namespace vlm2vec::models {
namespace {

std::string unused_report(const io::Checkpoint& checkpoint, const std::string& architecture) {
  const auto unused = checkpoint.unused();
  if (unused.empty()) return "";
  std::string report = std::to_string(unused.size()) + " tensor(s) in " + checkpoint.directory() + " are not used by " +
                       architecture + ":";
  for (const auto& name : unused) report += " " + name;
  return report;
}

// Older libtorch builds lack fp16 matrix products on the CPU; find out before loading
// gigabytes, and say what to use instead.
void check_dtype_runs_on(torch::ScalarType dtype, torch::Device device) {
  const auto options = torch::TensorOptions().dtype(dtype).device(device);
  try {
    torch::mm(torch::ones({2, 2}, options), torch::ones({2, 2}, options));
  } catch (const c10::Error&) {
    throw Error(VLM2VEC_ERR_UNSUPPORTED, std::string("dtype ") + c10::toString(dtype) + " is not supported on " +
                                             device.str() + " by this libtorch (" + TORCH_VERSION +
                                             "): it has no matrix product for it; use bfloat16 or float32");
  }
}

}  // namespace

namespace {

std::unique_ptr<EmbeddingModel> load_model_unnamed(const std::string& directory, torch::ScalarType dtype,
                                                   torch::Device device) {
  namespace fs = std::filesystem;
  if (!fs::is_directory(directory)) throw Error(VLM2VEC_ERR_IO, "model directory " + directory + " does not exist");
  check_dtype_runs_on(dtype, device);
  const std::string config_path = (fs::path(directory) / "config.json").string();
  const auto model_type = io::required<std::string>(io::read_json_file(config_path), "model_type", config_path);
  const Backbone& backbone = find_backbone(model_type, config_path);
  io::Checkpoint checkpoint(directory, dtype, device);
  auto model = backbone.load(directory, checkpoint);
  checkpoint.finish();
  ModelInfo& info = model->mutable_info();
  info.parameter_count = checkpoint.parameter_count();
  info.dtype = dtype;
  info.device = device;
  model->set_load_report(unused_report(checkpoint, model_type));
  model->set_weights(checkpoint.handed_out());
  model->set_source_directory(directory);
  // Inference mode until a trainer switches it: adapter dropout must be off when encoding.
  if (auto* module = dynamic_cast<torch::nn::Module*>(model.get())) module->eval();
  return model;
}

}  // namespace

std::unique_ptr<EmbeddingModel> load_model(const std::string& directory, torch::ScalarType dtype, torch::Device device) {
  // Every failure names the model: most checks name their file already, but a shape check
  // deep in a layer, or libtorch itself, cannot know which model it is loading.
  try {
    return load_model_unnamed(directory, dtype, device);
  } catch (const Error& e) {
    if (std::string(e.what()).find(directory) != std::string::npos) throw;
    throw Error(e.status(), "model " + directory + ": " + e.what());
  } catch (const c10::Error& e) {
    const std::string message = e.what_without_backtrace();
    throw Error(mentions_out_of_memory(message) ? VLM2VEC_ERR_OUT_OF_MEMORY : VLM2VEC_ERR_BAD_MODEL,
                "model " + directory + " cannot be loaded: " + message);
  }
}

}  // namespace vlm2vec::models
