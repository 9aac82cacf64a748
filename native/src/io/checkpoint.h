// A Hugging Face model directory's weights: model.safetensors, or the shards listed in
// model.safetensors.index.json. Loading is strict: modules ask for each tensor by name and
// shape; every missing or mis-shaped tensor is collected and all are reported together by
// finish(), which also lists the tensors nobody asked for.
#pragma once

#include <torch/torch.h>

#include <map>
#include <memory>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "io/safetensors.h"

namespace vlm2vec::io {

class Checkpoint {
 public:
  // Opens the weights of directory; tensors are returned in dtype on device.
  Checkpoint(const std::string& directory, torch::ScalarType dtype, torch::Device device);

  // A checkpoint of directory that holds no tensors: the config readers then see only config.json
  // and fall back to the defaults they document (init-random plans a checkpoint this way).
  static Checkpoint without_weights(const std::string& directory);

  const std::string& directory() const { return directory_; }
  bool contains(const std::string& name) const { return file_of_.count(name) != 0; }
  std::vector<std::string> names() const;

  // The tensor name, converted to the target dtype and device (no copy when both already
  // match: a view of the mapped file). A missing or mis-shaped tensor is recorded and a
  // zero tensor of the expected shape returned, so one load reports every problem at once.
  torch::Tensor take(const std::string& name, const std::vector<int64_t>& shape);

  // As take(), keeping the stored dtype (for integer buffers and checks).
  torch::Tensor raw(const std::string& name) const;

  // Marks tensors the architecture knows about but does not need (e.g. lm_head.weight for
  // an embedding model), so they are not reported as unused.
  void ignore(const std::string& name) { taken_.insert(name); }

  // Every tensor take() handed out, by name: the same tensors the model's parameters hold, so
  // a model can be written back with its current values (training/model_writer.h).
  const std::map<std::string, torch::Tensor>& handed_out() const { return handed_out_; }

  // Throws a VLM2VEC_ERR_BAD_MODEL error naming every missing or mis-shaped tensor.
  void finish() const;

  // take() reports at most this many problems, then throws (a config that does not describe
  // the file would otherwise build every layer it names).
  static constexpr size_t kMaxProblems = 64;

  // Tensors present in the files that no module took or ignored, sorted.
  std::vector<std::string> unused() const;

  int64_t parameter_count() const { return parameter_count_; }

 private:
  explicit Checkpoint(std::string directory) : directory_(std::move(directory)), dtype_(torch::kFloat32), device_(torch::kCPU) {}

  std::string directory_;
  torch::ScalarType dtype_;
  torch::Device device_;
  std::vector<std::shared_ptr<SafetensorsFile>> files_;
  std::map<std::string, size_t> file_of_;
  std::set<std::string> taken_;
  std::map<std::string, torch::Tensor> handed_out_;
  std::vector<std::string> problems_;
  int64_t parameter_count_ = 0;
};

}  // namespace vlm2vec::io
