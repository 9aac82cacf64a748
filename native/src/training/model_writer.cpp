#include "training/model_writer.h"

#include <map>

#include "common/error.h"
#include "io/checkpoint.h"
#include "io/file_system.h"
#include "io/safetensors.h"

namespace vlm2vec::training {

void save_model_directory(const models::EmbeddingModel& model, const std::string& out_dir) {
  const std::string source = model.source_directory();
  check_argument(!source.empty(), "the model does not know the directory it was loaded from");
  check_argument(!io::same_file(out_dir, source),
                 "refusing to write the model over the directory it was loaded from: " + out_dir);
  const std::string building = out_dir + ".partial";
  io::fresh_directory(building);
  try {
    io::Checkpoint stored(source, torch::kFloat32, torch::kCPU);
    std::map<std::string, torch::Tensor> tensors;
    for (const auto& name : stored.names()) {
      const auto original = stored.raw(name);
      const auto current = model.weights().find(name);
      tensors[name] = current == model.weights().end() ? original : current->second.detach().to(torch::kCPU).contiguous();
    }
    io::write_safetensors(building + "/model.safetensors", tensors, {{"format", "pt"}});
    for (const auto& name : io::regular_files(source)) {
      const bool weights = (name.size() > 12 && name.compare(name.size() - 12, 12, ".safetensors") == 0) ||
                           name == "model.safetensors.index.json";
      if (!weights) io::copy_file(source + "/" + name, building + "/" + name);
    }
  } catch (...) {
    io::remove_tree(building);
    throw;
  }
  io::replace_directory(building, out_dir);
}

}  // namespace vlm2vec::training
