#include "models/random_checkpoint.h"

#include <nlohmann/json.hpp>

#include <ATen/CPUGeneratorImpl.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <filesystem>

#include "common/error.h"
#include "io/atomic_file.h"
#include "io/json_file.h"
#include "models/backbone.h"

namespace vlm2vec::models {
namespace {

std::string shard_name(size_t index, size_t count) {
  if (count == 1) return "model.safetensors";
  char name[64];
  std::snprintf(name, sizeof(name), "model-%05zu-of-%05zu.safetensors", index + 1, count);
  return name;
}

// One generator per tensor, seeded from the seed and the name: a tensor's values do not depend on
// the shard size or on which tensors come before it.
torch::Tensor draw(const std::string& name, const tiny::TensorSpec& spec, uint64_t seed) {
  uint64_t stream = 0xcbf29ce484222325ULL ^ (seed * 0x9e3779b97f4a7c15ULL);  // FNV-1a: the same on every machine
  for (const unsigned char c : name) stream = (stream ^ c) * 0x100000001b3ULL;
  auto generator = at::make_generator<at::CPUGeneratorImpl>(stream);
  const auto [mean, std] = tiny::initial_distribution(spec);
  auto values = torch::empty(spec.shape, torch::kFloat32);
  values.normal_(mean, std, generator);
  return values;
}

}  // namespace

bool natural_less(const std::string& a, const std::string& b) {
  size_t i = 0, j = 0;
  while (i < a.size() && j < b.size()) {
    if (std::isdigit(static_cast<unsigned char>(a[i])) && std::isdigit(static_cast<unsigned char>(b[j]))) {
      size_t i_end = i, j_end = j;
      while (i_end < a.size() && std::isdigit(static_cast<unsigned char>(a[i_end]))) ++i_end;
      while (j_end < b.size() && std::isdigit(static_cast<unsigned char>(b[j_end]))) ++j_end;
      const std::string x = a.substr(i, i_end - i), y = b.substr(j, j_end - j);
      if (x.size() != y.size()) return x.size() < y.size();
      if (x != y) return x < y;
      i = i_end, j = j_end;
    } else {
      if (a[i] != b[j]) return a[i] < b[j];
      ++i, ++j;
    }
  }
  return a.size() - i < b.size() - j;
}

RandomCheckpointWriter::RandomCheckpointWriter(const std::string& directory, const RandomCheckpointOptions& options)
    : directory_(directory), options_(options) {
  check_argument(options.shard_bytes > 0, "the shard size must be positive");
  check_argument(options.dtype == torch::kBFloat16 || options.dtype == torch::kFloat16 || options.dtype == torch::kFloat32,
                 std::string("init-random writes bfloat16, float16 or float32, not ") + c10::toString(options.dtype));
  const std::string config_path = (std::filesystem::path(directory) / "config.json").string();
  model_type_ = io::required<std::string>(io::read_json_file(config_path), "model_type", config_path);
  const Backbone& backbone = find_backbone(model_type_, config_path);
  const auto specs = backbone.tensors(directory);

  std::vector<std::string> names;
  for (const auto& [name, spec] : specs) names.push_back(name);
  std::sort(names.begin(), names.end(), natural_less);
  // save_pretrained's rule: start a new shard when the next tensor would overflow this one; a
  // tensor larger than the limit gets a shard of its own.
  const uint64_t element_bytes = c10::elementSize(options.dtype);
  uint64_t shard_fill = 0;
  size_t shard = 0;
  for (const auto& name : names) {
    const auto& spec = specs.at(name);
    int64_t elements = 1;
    for (const int64_t dim : spec.shape) elements *= dim;
    const uint64_t bytes = static_cast<uint64_t>(elements) * element_bytes;
    if (shard_fill > 0 && shard_fill + bytes > options.shard_bytes) ++shard, shard_fill = 0;
    shard_fill += bytes;
    tensors_.push_back({{name, options.dtype, spec.shape}, spec.init, shard});
    parameter_count_ += elements;
    total_bytes_ += bytes;
  }
  check_argument(!tensors_.empty(), config_path + " implies no tensors");
  for (size_t i = 0; i <= shard; ++i) shard_names_.push_back(shard_name(i, shard + 1));
}

RandomCheckpointWriter::~RandomCheckpointWriter() = default;

void RandomCheckpointWriter::write_next() {
  check_argument(!done(), "the random checkpoint in " + directory_ + " is already written");
  const Planned& planned = tensors_[next_];
  if (!shard_) {
    std::vector<io::TensorHeader> headers;
    for (const auto& t : tensors_) {
      if (t.shard == planned.shard) headers.push_back(t.header);
    }
    const auto path = (std::filesystem::path(directory_) / shard_names_[planned.shard]).string();
    shard_ = std::make_unique<io::SafetensorsWriter>(path, std::move(headers), std::map<std::string, std::string>{{"format", "pt"}});
  }
  shard_->append(draw(planned.header.name, {planned.header.shape, planned.init}, options_.seed).to(options_.dtype));
  written_bytes_ += c10::elementSize(options_.dtype) * c10::multiply_integers(planned.header.shape);
  ++next_;
  if (done() || tensors_[next_].shard != planned.shard) {
    shard_->commit();
    shard_.reset();
  }
  if (!done()) return;
  const std::filesystem::path root(directory_);
  if (shard_names_.size() > 1) {
    nlohmann::ordered_json weight_map = nlohmann::ordered_json::object();
    std::vector<const Planned*> sorted;
    for (const auto& t : tensors_) sorted.push_back(&t);
    std::sort(sorted.begin(), sorted.end(), [](const Planned* a, const Planned* b) { return a->header.name < b->header.name; });
    for (const auto* t : sorted) weight_map[t->header.name] = shard_names_[t->shard];
    const nlohmann::ordered_json index = {{"metadata", {{"total_size", total_bytes_}}}, {"weight_map", weight_map}};
    io::write_text_file((root / "model.safetensors.index.json").string(), index.dump(2) + "\n");
  }
  if (!std::filesystem::exists(root / "tokenizer.json")) find_backbone(model_type_, "init-random").write_tokenizer(directory_);
}

}  // namespace vlm2vec::models
