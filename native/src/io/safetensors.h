// The safetensors format: an 8-byte little-endian header length, a JSON header mapping each
// tensor name to {dtype, shape, data_offsets}, then the raw little-endian data.
#pragma once

#include <torch/torch.h>

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace vlm2vec::io {

struct TensorEntry {
  std::string name;
  torch::ScalarType dtype;
  std::vector<int64_t> shape;
  uint64_t begin = 0;  // byte offsets into the data section
  uint64_t end = 0;
};

// A memory-mapped safetensors file. The whole header is validated when the file is opened
// (header length, JSON, dtypes, shapes against byte ranges, ranges inside the file and not
// overlapping), so a truncated or corrupted file fails there, with its path in the message,
// before any tensor data is touched.
class SafetensorsFile {
 public:
  static std::shared_ptr<SafetensorsFile> open(const std::string& path);
  ~SafetensorsFile();
  SafetensorsFile(const SafetensorsFile&) = delete;
  SafetensorsFile& operator=(const SafetensorsFile&) = delete;

  const std::string& path() const { return path_; }
  const std::map<std::string, TensorEntry>& entries() const { return entries_; }
  const std::map<std::string, std::string>& metadata() const { return metadata_; }
  bool contains(const std::string& name) const { return entries_.count(name) != 0; }

  // A CPU tensor over the mapped bytes (no copy when the data is aligned for its dtype).
  // The tensor keeps the mapping alive. Writing to it never reaches the file: the mapping
  // is private (copy-on-write).
  torch::Tensor tensor(const std::string& name) const;

  // Gives back the memory of name's bytes (the whole pages inside its range): once a tensor has
  // been converted into memory of its own (another dtype or device), its mapped pages need not
  // stay resident, so converting a 8 GB bf16 file to fp32 peaks at the fp32 size, not at both.
  // The pages are read from the file again if anything touches them later.
  void release(const std::string& name) const;

 private:
  SafetensorsFile(std::string path, void* mapping, size_t size);
  void parse_header();

  std::string path_;
  void* mapping_;
  size_t size_;
  uint64_t data_start_ = 0;
  std::map<std::string, TensorEntry> entries_;
  std::map<std::string, std::string> metadata_;
  std::weak_ptr<SafetensorsFile> self_;
};

class AtomicFile;

struct TensorHeader {
  std::string name;
  torch::ScalarType dtype;
  std::vector<int64_t> shape;
};

// Writes one safetensors file tensor by tensor, so a file of many gigabytes never needs all its
// tensors in memory at once: the header (from the list given) first, then each tensor's bytes
// as append() receives them, in the listed order and with the listed dtype and shape. Atomic: a
// temporary file beside path, renamed over it by commit(); dropped without commit() it is removed.
class SafetensorsWriter {
 public:
  SafetensorsWriter(const std::string& path, std::vector<TensorHeader> tensors,
                    const std::map<std::string, std::string>& metadata = {});
  ~SafetensorsWriter();
  SafetensorsWriter(const SafetensorsWriter&) = delete;
  SafetensorsWriter& operator=(const SafetensorsWriter&) = delete;

  void append(const torch::Tensor& tensor);  // any device; the next listed tensor
  void commit();                             // after the last one
  uint64_t data_bytes() const { return data_bytes_; }

 private:
  std::string path_;
  std::vector<TensorHeader> tensors_;
  std::unique_ptr<AtomicFile> file_;
  size_t next_ = 0;
  uint64_t data_bytes_ = 0;
};

// Writes tensors (any device; stored as they are, contiguous, in their dtype) with optional
// string metadata. Atomic: written to a temporary file in the same directory, then renamed.
void write_safetensors(const std::string& path, const std::map<std::string, torch::Tensor>& tensors,
                       const std::map<std::string, std::string>& metadata = {});

// "F32", "BF16", ... <-> torch dtypes; throws for a dtype this library does not handle.
torch::ScalarType dtype_from_safetensors(const std::string& name);
std::string dtype_to_safetensors(torch::ScalarType dtype);

}  // namespace vlm2vec::io
