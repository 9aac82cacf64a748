#include "training/model_writer.h"

#include <filesystem>
#include <map>

#include "common/error.h"
#include "io/checkpoint.h"
#include "io/safetensors.h"

namespace vlm2vec::training {

void save_model_directory(const models::EmbeddingModel& model, const std::string& out_dir) {
  namespace fs = std::filesystem;
  const fs::path source(model.source_directory());
  check_argument(!source.empty(), "the model does not know the directory it was loaded from");
  const fs::path target(out_dir);
  std::error_code error;
  check_argument(fs::weakly_canonical(target, error) != fs::weakly_canonical(source, error),
                 "refusing to write the model over the directory it was loaded from: " + out_dir);
  const fs::path building = target.string() + ".partial";
  fs::remove_all(building, error);
  fs::create_directories(building, error);
  if (error) throw Error(VLM2VEC_ERR_IO, "cannot create " + building.string() + ": " + error.message());
  try {
    io::Checkpoint stored(source.string(), torch::kFloat32, torch::kCPU);
    std::map<std::string, torch::Tensor> tensors;
    for (const auto& name : stored.names()) {
      const auto original = stored.raw(name);
      const auto current = model.weights().find(name);
      tensors[name] = current == model.weights().end()
                          ? original
                          : current->second.detach().to(torch::kCPU).contiguous();
    }
    io::write_safetensors((building / "model.safetensors").string(), tensors, {{"format", "pt"}});
    for (const auto& entry : fs::directory_iterator(source)) {
      const auto name = entry.path().filename().string();
      const bool weights = entry.path().extension() == ".safetensors" || name == "model.safetensors.index.json";
      if (entry.is_regular_file() && !weights) fs::copy_file(entry.path(), building / name);
    }
  } catch (...) {
    fs::remove_all(building, error);
    throw;
  }
  const fs::path old = target.string() + ".old";
  fs::remove_all(old, error);
  if (fs::exists(target)) fs::rename(target, old, error);
  fs::rename(building, target, error);
  if (error) throw Error(VLM2VEC_ERR_IO, "cannot move the model into place at " + out_dir + ": " + error.message());
  fs::remove_all(old, error);
}

}  // namespace vlm2vec::training
