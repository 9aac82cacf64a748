#include "io/checkpoint.h"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "common/error.h"

namespace vlm2vec::io {
namespace {

std::string shape_text(c10::IntArrayRef shape) {
  std::ostringstream out;
  out << shape;
  return out.str();
}

}  // namespace

Checkpoint::Checkpoint(const std::string& directory, torch::ScalarType dtype, torch::Device device)
    : directory_(directory), dtype_(dtype), device_(device) {
  namespace fs = std::filesystem;
  const fs::path root(directory);
  const fs::path single = root / "model.safetensors";
  const fs::path index = root / "model.safetensors.index.json";
  std::vector<std::string> shard_names;
  std::map<std::string, std::string> shard_of;
  if (fs::exists(index)) {
    std::ifstream in(index);
    nlohmann::json parsed;
    try {
      parsed = nlohmann::json::parse(in);
    } catch (const nlohmann::json::exception& e) {
      throw Error(VLM2VEC_ERR_BAD_MODEL, index.string() + " is not valid JSON: " + e.what());
    }
    if (!parsed.contains("weight_map") || !parsed["weight_map"].is_object()) {
      throw Error(VLM2VEC_ERR_BAD_MODEL, index.string() + " has no weight_map object");
    }
    for (const auto& [name, shard] : parsed["weight_map"].items()) {
      const auto file = shard.get<std::string>();
      if (file.find('/') != std::string::npos) {
        throw Error(VLM2VEC_ERR_BAD_MODEL, index.string() + " names a shard outside the directory: " + file);
      }
      shard_of[name] = file;
      if (std::find(shard_names.begin(), shard_names.end(), file) == shard_names.end()) shard_names.push_back(file);
    }
  } else if (fs::exists(single)) {
    shard_names.push_back("model.safetensors");
  } else {
    throw Error(VLM2VEC_ERR_BAD_MODEL, directory + " holds neither model.safetensors nor model.safetensors.index.json");
  }
  for (const auto& shard : shard_names) {
    files_.push_back(SafetensorsFile::open((root / shard).string()));
    for (const auto& [name, entry] : files_.back()->entries()) {
      const auto listed = shard_of.find(name);
      if (!shard_of.empty() && (listed == shard_of.end() || listed->second != shard)) continue;
      if (file_of_.count(name) != 0) {
        throw Error(VLM2VEC_ERR_BAD_MODEL, "tensor '" + name + "' is stored twice in " + directory);
      }
      file_of_[name] = files_.size() - 1;
    }
  }
  for (const auto& [name, shard] : shard_of) {
    if (file_of_.count(name) == 0) {
      throw Error(VLM2VEC_ERR_BAD_MODEL, "model.safetensors.index.json lists '" + name + "' in " + shard +
                                             ", which does not contain it");
    }
  }
}

Checkpoint Checkpoint::without_weights(const std::string& directory) { return Checkpoint(directory); }

std::vector<std::string> Checkpoint::names() const {
  std::vector<std::string> result;
  for (const auto& [name, file] : file_of_) result.push_back(name);
  return result;
}

torch::Tensor Checkpoint::raw(const std::string& name) const {
  const auto found = file_of_.find(name);
  if (found == file_of_.end()) throw Error(VLM2VEC_ERR_BAD_MODEL, "missing tensor '" + name + "' in " + directory_);
  return files_[found->second]->tensor(name);
}

torch::Tensor Checkpoint::take(const std::string& name, const std::vector<int64_t>& shape) {
  taken_.insert(name);
  // A stand-in of the expected shape that owns one element (stride 0), so a config that asks for
  // huge tensors the file lacks costs no memory; after kMaxProblems the load stops there.
  const auto placeholder = [&](std::string problem) {
    problems_.push_back(std::move(problem));
    if (problems_.size() >= kMaxProblems) finish();
    return torch::zeros({}, torch::TensorOptions().dtype(dtype_).device(device_)).expand(shape);
  };
  if (!contains(name)) {
    return placeholder("missing tensor '" + name + "' (expected shape " + shape_text(shape) + ")");
  }
  const auto stored = raw(name);
  if (stored.sizes() != c10::IntArrayRef(shape)) {
    return placeholder("tensor '" + name + "' has shape " + shape_text(stored.sizes()) + " but the architecture needs " +
                       shape_text(shape));
  }
  parameter_count_ += stored.numel();
  auto tensor = stored.to(device_, dtype_);
  if (!tensor.is_same(stored)) files_[file_of_.at(name)]->release(name);
  handed_out_[name] = tensor;
  return tensor;
}

void Checkpoint::finish() const {
  if (problems_.empty()) return;
  const bool stopped = problems_.size() >= kMaxProblems;
  std::string message = "checkpoint " + directory_ + " does not fit the architecture (" +
                        std::to_string(problems_.size()) + (stopped ? " or more problems, loading stopped there" : " problem") +
                        (problems_.size() == 1 || stopped ? "" : "s") + "): ";
  for (size_t i = 0; i < problems_.size(); ++i) message += (i ? "; " : "") + problems_[i];
  throw Error(VLM2VEC_ERR_BAD_MODEL, message);
}

std::vector<std::string> Checkpoint::unused() const {
  std::vector<std::string> result;
  for (const auto& [name, file] : file_of_) {
    if (taken_.count(name) == 0) result.push_back(name);
  }
  return result;
}

}  // namespace vlm2vec::io
