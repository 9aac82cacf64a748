#include "training/model_writer.h"

#include <cstdio>
#include <map>
#include <vector>

#include "common/error.h"
#include "io/checkpoint.h"
#include "io/atomic_file.h"
#include "io/file_system.h"
#include "io/json_file.h"
#include "io/safetensors.h"

namespace vlm2vec::training {

namespace {

const char* torch_dtype_name(torch::ScalarType dtype) {
  switch (dtype) {
    case torch::kBFloat16: return "bfloat16";
    case torch::kFloat16: return "float16";
    default: return "float32";
  }
}

// config.json says the dtype the weights are written in, at the top and in any sub-config
// that declares one (LLaVA's text_config / vision_config).
void set_torch_dtype(nlohmann::json& config, const char* name) {
  if (!config.is_object()) return;
  if (config.contains("torch_dtype") || config.contains("model_type")) config["torch_dtype"] = name;
  if (config.contains("dtype")) config["dtype"] = name;  // transformers >= 4.56 spelling
  for (auto& [key, value] : config.items()) {
    if (value.is_object() && value.contains("torch_dtype")) value["torch_dtype"] = name;
  }
}

}  // namespace

void save_model_directory(const models::EmbeddingModel& model, const std::string& out_dir, uint64_t max_shard_bytes) {
  const std::string source = model.source_directory();
  check_argument(!source.empty(), "the model does not know the directory it was loaded from");
  check_argument(!io::same_file(out_dir, source),
                 "refusing to write the model over the directory it was loaded from: " + out_dir);
  const std::string building = out_dir + ".partial";
  io::fresh_directory(building);
  try {
    io::Checkpoint stored(source, torch::kFloat32, torch::kCPU);
    // One dtype for every tensor, the model's: tensors it does not use (kept from the source)
    // are cast too, so a bf16 base merged in bf16 is all bf16 and config.json says so.
    const torch::ScalarType dtype = model.info().dtype;
    const auto written = [&](const std::string& name) {
      const auto original = stored.raw(name);
      const auto current = model.weights().find(name);
      const auto tensor = current == model.weights().end() ? original : current->second.detach().to(torch::kCPU);
      return tensor.is_floating_point() ? tensor.to(dtype).contiguous() : tensor.contiguous();
    };
    // Shards of at most max_shard_bytes (one tensor larger than that is a shard of its own), each
    // converted and written before the next, so a 7B model is never held twice in memory.
    std::vector<std::vector<std::string>> shards(1);
    uint64_t shard_bytes = 0, total_bytes = 0;
    for (const auto& name : stored.names()) {
      const auto raw = stored.raw(name);
      const uint64_t bytes = static_cast<uint64_t>(raw.numel()) *
                             c10::elementSize(raw.is_floating_point() ? dtype : raw.scalar_type());
      if (!shards.back().empty() && shard_bytes + bytes > max_shard_bytes) {
        shards.emplace_back();
        shard_bytes = 0;
      }
      shards.back().push_back(name);
      shard_bytes += bytes;
      total_bytes += bytes;
    }
    if (shards.size() == 1) {
      std::map<std::string, torch::Tensor> tensors;
      for (const auto& name : shards[0]) tensors[name] = written(name);
      io::write_safetensors(building + "/model.safetensors", tensors, {{"format", "pt"}});
    } else {
      nlohmann::json weight_map = nlohmann::json::object();
      for (size_t i = 0; i < shards.size(); ++i) {
        char file[64];
        std::snprintf(file, sizeof file, "model-%05zu-of-%05zu.safetensors", i + 1, shards.size());
        std::map<std::string, torch::Tensor> tensors;
        for (const auto& name : shards[i]) {
          tensors[name] = written(name);
          weight_map[name] = file;
        }
        io::write_safetensors(building + "/" + file, tensors, {{"format", "pt"}});
      }
      const nlohmann::json index = {{"metadata", {{"total_size", total_bytes}}}, {"weight_map", weight_map}};
      io::write_text_file(building + "/model.safetensors.index.json", index.dump(2) + "\n");
    }
    for (const auto& name : io::regular_files(source)) {
      const bool weights = (name.size() > 12 && name.compare(name.size() - 12, 12, ".safetensors") == 0) ||
                           name == "model.safetensors.index.json";
      if (name == "config.json") {
        auto config = io::read_json_file(source + "/config.json");
        set_torch_dtype(config, torch_dtype_name(dtype));
        io::write_text_file(building + "/config.json", config.dump(2) + "\n");
      } else if (!weights) {
        io::copy_file(source + "/" + name, building + "/" + name);
      }
    }
  } catch (...) {
    io::remove_tree(building);
    throw;
  }
  io::replace_directory(building, out_dir);
}

}  // namespace vlm2vec::training
