#include "io/safetensors.h"

#include <fcntl.h>
#include <nlohmann/json.hpp>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <limits>

#include "common/error.h"
#include "io/atomic_file.h"

namespace vlm2vec::io {
namespace {

// Larger headers are not written by any real tool; refusing them bounds the work done on a
// corrupted length field.
constexpr uint64_t kMaxHeaderBytes = 100ull << 20;

Error io_error(const std::string& path, const std::string& what) {
  return Error(VLM2VEC_ERR_IO, path + ": " + what);
}

}  // namespace

torch::ScalarType dtype_from_safetensors(const std::string& name) {
  static const std::map<std::string, torch::ScalarType> kTypes{
      {"F64", torch::kFloat64}, {"F32", torch::kFloat32}, {"F16", torch::kFloat16},
      {"BF16", torch::kBFloat16}, {"I64", torch::kInt64}, {"I32", torch::kInt32},
      {"I16", torch::kInt16}, {"I8", torch::kInt8}, {"U8", torch::kUInt8}, {"BOOL", torch::kBool}};
  const auto found = kTypes.find(name);
  if (found == kTypes.end()) throw Error(VLM2VEC_ERR_UNSUPPORTED, "unsupported safetensors dtype '" + name + "'");
  return found->second;
}

std::string dtype_to_safetensors(torch::ScalarType dtype) {
  switch (dtype) {
    case torch::kFloat64: return "F64";
    case torch::kFloat32: return "F32";
    case torch::kFloat16: return "F16";
    case torch::kBFloat16: return "BF16";
    case torch::kInt64: return "I64";
    case torch::kInt32: return "I32";
    case torch::kInt16: return "I16";
    case torch::kInt8: return "I8";
    case torch::kUInt8: return "U8";
    case torch::kBool: return "BOOL";
    default: throw Error(VLM2VEC_ERR_UNSUPPORTED, std::string("cannot store dtype ") + c10::toString(dtype) + " in safetensors");
  }
}

std::shared_ptr<SafetensorsFile> SafetensorsFile::open(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw io_error(path, std::string("cannot open: ") + std::strerror(errno));
  struct stat info {};
  if (fstat(fd, &info) != 0) {
    const int saved = errno;
    ::close(fd);
    throw io_error(path, std::string("cannot stat: ") + std::strerror(saved));
  }
  const auto size = static_cast<size_t>(info.st_size);
  if (size < 8) {
    ::close(fd);
    throw io_error(path, "not a safetensors file: " + std::to_string(size) + " bytes, shorter than the 8-byte header length");
  }
  // Private and writable (weights are views of the file and merges write into them,
  // copy-on-write), but with no swap reserved up front: a 30 GB file must open on a machine with
  // less memory than that, only the pages written are ever charged.
  void* mapping = mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_NORESERVE, fd, 0);
  const int saved = errno;
  ::close(fd);
  if (mapping == MAP_FAILED) throw io_error(path, std::string("cannot map: ") + std::strerror(saved));
  std::shared_ptr<SafetensorsFile> file(new SafetensorsFile(path, mapping, size));
  file->self_ = file;
  file->parse_header();
  return file;
}

SafetensorsFile::SafetensorsFile(std::string path, void* mapping, size_t size)
    : path_(std::move(path)), mapping_(mapping), size_(size) {}

SafetensorsFile::~SafetensorsFile() { munmap(mapping_, size_); }

void SafetensorsFile::parse_header() {
  const auto* bytes = static_cast<const uint8_t*>(mapping_);
  uint64_t header_length = 0;
  for (int i = 7; i >= 0; --i) header_length = (header_length << 8) | bytes[i];
  if (header_length > kMaxHeaderBytes || header_length > size_ - 8) {
    throw io_error(path_, "header length " + std::to_string(header_length) + " does not fit in the file of " +
                              std::to_string(size_) + " bytes (truncated or not a safetensors file)");
  }
  data_start_ = 8 + header_length;
  nlohmann::json header;
  try {
    header = nlohmann::json::parse(bytes + 8, bytes + data_start_);
  } catch (const nlohmann::json::exception& e) {
    throw io_error(path_, std::string("header is not valid JSON: ") + e.what());
  }
  if (!header.is_object()) throw io_error(path_, "header is not a JSON object");
  const uint64_t data_size = size_ - data_start_;
  std::vector<std::pair<uint64_t, uint64_t>> ranges;
  for (const auto& [name, value] : header.items()) {
    if (name == "__metadata__") {
      if (!value.is_object()) throw io_error(path_, "__metadata__ is not an object");
      for (const auto& [key, text] : value.items()) {
        if (!text.is_string()) throw io_error(path_, "__metadata__." + key + " is not a string");
        metadata_[key] = text.get<std::string>();
      }
      continue;
    }
    const std::string where = "tensor '" + name + "'";
    if (!value.is_object() || !value.contains("dtype") || !value.contains("shape") || !value.contains("data_offsets")) {
      throw io_error(path_, where + " lacks dtype, shape or data_offsets");
    }
    TensorEntry entry;
    entry.name = name;
    // Whole numbers only: nlohmann would quietly truncate 2.5 to 2.
    const auto whole_numbers = [&](const nlohmann::json& list, const char* key) {
      if (!list.is_array()) throw io_error(path_, where + ": " + key + " must be a list");
      for (const auto& number : list) {
        if (!number.is_number_integer()) throw io_error(path_, where + ": " + key + " must hold whole numbers");
      }
    };
    try {
      if (!value.at("dtype").is_string()) throw io_error(path_, where + ": dtype must be a string");
      entry.dtype = dtype_from_safetensors(value.at("dtype").get<std::string>());
      whole_numbers(value.at("shape"), "shape");
      whole_numbers(value.at("data_offsets"), "data_offsets");
      entry.shape = value.at("shape").get<std::vector<int64_t>>();
      for (const auto& offset : value.at("data_offsets")) {
        if (offset.get<int64_t>() < 0) throw io_error(path_, where + ": data_offsets must not be negative");
      }
      const auto offsets = value.at("data_offsets").get<std::vector<uint64_t>>();
      if (offsets.size() != 2) throw io_error(path_, where + ": data_offsets must hold two numbers");
      entry.begin = offsets[0];
      entry.end = offsets[1];
    } catch (const nlohmann::json::exception& e) {
      throw io_error(path_, where + ": " + e.what());
    } catch (const Error& e) {
      throw io_error(path_, where + ": " + e.what());
    }
    uint64_t elements = 1;
    for (const int64_t dim : entry.shape) {
      if (dim < 0) throw io_error(path_, where + " has a negative dimension");
      if (dim != 0 && elements > std::numeric_limits<uint64_t>::max() / static_cast<uint64_t>(dim)) {
        throw io_error(path_, where + " has an overflowing shape");
      }
      elements *= static_cast<uint64_t>(dim);
    }
    const uint64_t element_size = c10::elementSize(entry.dtype);
    if (elements > std::numeric_limits<uint64_t>::max() / element_size) {
      throw io_error(path_, where + " has an overflowing shape (its byte count does not fit in 64 bits)");
    }
    const uint64_t expected_bytes = elements * element_size;
    if (entry.end < entry.begin || entry.end - entry.begin != expected_bytes) {
      throw io_error(path_, where + ": its byte range [" + std::to_string(entry.begin) + ", " + std::to_string(entry.end) +
                                ") does not hold the " + std::to_string(expected_bytes) + " bytes its shape and dtype need");
    }
    if (entry.end > data_size) {
      throw io_error(path_, where + " ends at byte " + std::to_string(entry.end) + " of a data section of only " +
                                std::to_string(data_size) + " bytes (truncated file?)");
    }
    ranges.emplace_back(entry.begin, entry.end);
    entries_.emplace(name, std::move(entry));
  }
  // The format's rule: the tensors tile the data section exactly, from byte 0, without gaps,
  // overlaps or trailing bytes.
  std::sort(ranges.begin(), ranges.end());
  uint64_t covered = 0;
  for (const auto& [begin, end] : ranges) {
    if (begin < covered) throw io_error(path_, "two tensors overlap in the data section");
    if (begin > covered) {
      throw io_error(path_, "the data section has a gap at bytes [" + std::to_string(covered) + ", " +
                                std::to_string(begin) + ") that no tensor covers");
    }
    covered = end;
  }
  if (covered != data_size) {
    throw io_error(path_, "the data section has " + std::to_string(data_size - covered) +
                              " trailing bytes after the last tensor (truncated write or not a safetensors file)");
  }
}

torch::Tensor SafetensorsFile::tensor(const std::string& name) const {
  const auto found = entries_.find(name);
  if (found == entries_.end()) throw Error(VLM2VEC_ERR_INVALID_ARGUMENT, path_ + " has no tensor '" + name + "'");
  const TensorEntry& entry = found->second;
  auto* data = static_cast<uint8_t*>(mapping_) + data_start_ + entry.begin;
  const auto options = torch::TensorOptions().dtype(entry.dtype);
  if (reinterpret_cast<uintptr_t>(data) % c10::elementSize(entry.dtype) != 0) {
    // Misaligned data cannot be viewed in place: copy it out.
    auto copy = torch::empty(entry.shape, options);
    // An empty tensor has no storage (data_ptr() is null), and memcpy from or to null is
    // undefined even for 0 bytes (UBSan, found by the safetensors fuzz target).
    if (entry.end > entry.begin) std::memcpy(copy.data_ptr(), data, entry.end - entry.begin);
    return copy;
  }
  auto keep_alive = self_.lock();
  return torch::from_blob(data, entry.shape, [keep_alive](void*) {}, options);
}

SafetensorsWriter::SafetensorsWriter(const std::string& path, std::vector<TensorHeader> tensors,
                                     const std::map<std::string, std::string>& metadata)
    : path_(path), tensors_(std::move(tensors)), file_(std::make_unique<AtomicFile>(path)) {
  nlohmann::ordered_json header = nlohmann::ordered_json::object();
  if (!metadata.empty()) header["__metadata__"] = metadata;
  uint64_t offset = 0;
  for (const auto& tensor : tensors_) {
    if (header.contains(tensor.name)) throw Error(VLM2VEC_ERR_INVALID_ARGUMENT, path + ": tensor '" + tensor.name + "' listed twice");
    uint64_t bytes = c10::elementSize(tensor.dtype);
    for (const int64_t dim : tensor.shape) bytes *= static_cast<uint64_t>(dim);
    header[tensor.name] = {{"dtype", dtype_to_safetensors(tensor.dtype)},
                           {"shape", tensor.shape},
                           {"data_offsets", {offset, offset + bytes}}};
    offset += bytes;
  }
  data_bytes_ = offset;
  std::string text = header.dump();
  // Pad the header with spaces so the data section starts 8-byte aligned, as the reference
  // writer does; readers can then view tensors in place.
  text.append((8 - (8 + text.size()) % 8) % 8, ' ');
  uint8_t length[8];
  const uint64_t header_length = text.size();
  for (int i = 0; i < 8; ++i) length[i] = static_cast<uint8_t>(header_length >> (8 * i));
  file_->write(length, 8);
  file_->write(text.data(), text.size());
}

SafetensorsWriter::~SafetensorsWriter() = default;

void SafetensorsFile::release(const std::string& name) const {
  const auto found = entries_.find(name);
  if (found == entries_.end()) return;
  const uintptr_t page = static_cast<uintptr_t>(sysconf(_SC_PAGESIZE));
  const auto base = reinterpret_cast<uintptr_t>(mapping_) + data_start_;
  const uintptr_t begin = (base + found->second.begin + page - 1) / page * page;
  const uintptr_t end = (base + found->second.end) / page * page;
  // A private mapping: unmodified pages are simply dropped (and re-read on a later touch).
  if (end > begin) madvise(reinterpret_cast<void*>(begin), end - begin, MADV_DONTNEED);
}

void SafetensorsWriter::append(const torch::Tensor& tensor) {
  if (next_ >= tensors_.size()) throw Error(VLM2VEC_ERR_INTERNAL, path_ + ": more tensors appended than listed");
  const TensorHeader& expected = tensors_[next_];
  auto cpu = tensor.detach().to(torch::kCPU).contiguous();
  if (cpu.scalar_type() != expected.dtype || cpu.sizes() != c10::IntArrayRef(expected.shape)) {
    throw Error(VLM2VEC_ERR_INTERNAL, path_ + ": tensor '" + expected.name + "' appended with another dtype or shape than listed");
  }
  file_->write(cpu.data_ptr(), cpu.numel() * cpu.element_size());
  ++next_;
}

void SafetensorsWriter::commit() {
  if (next_ != tensors_.size()) {
    throw Error(VLM2VEC_ERR_INTERNAL, path_ + ": " + std::to_string(tensors_.size() - next_) + " listed tensors were not appended");
  }
  file_->commit();
}

void write_safetensors(const std::string& path, const std::map<std::string, torch::Tensor>& tensors,
                       const std::map<std::string, std::string>& metadata) {
  std::vector<TensorHeader> headers;
  for (const auto& [name, tensor] : tensors) headers.push_back({name, tensor.scalar_type(), tensor.sizes().vec()});
  SafetensorsWriter writer(path, std::move(headers), metadata);
  for (const auto& [name, tensor] : tensors) writer.append(tensor);
  writer.commit();
}

}  // namespace vlm2vec::io
