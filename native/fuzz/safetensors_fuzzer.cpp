// libFuzzer target: the safetensors reader (io/safetensors.cpp) on any bytes. A file the
// validator accepts must be readable in full: every tensor is viewed and each of its bytes
// read, so a byte range the validator let through beyond the mapping is a crash. A file it
// refuses must be refused with a vlm2vec::Error that names the file; any other exception,
// a crash or a sanitizer report is a finding.
#include <cstddef>
#include <cstdint>
#include <random>

#include "common/error.h"
#include "fuzz_input_file.h"
#include "io/safetensors.h"
#include "safetensors_mutator.h"

extern "C" size_t LLVMFuzzerMutate(uint8_t* data, size_t size, size_t max_size);

namespace {

void read_every_byte(const vlm2vec::io::SafetensorsFile& file) {
  uint64_t checksum = 0;
  for (const auto& [name, entry] : file.entries()) {
    const auto tensor = file.tensor(name);
    vlm2vec::fuzz::require(tensor.sizes().vec() == entry.shape, name + ": the view's shape is not the header's");
    const auto bytes = static_cast<uint64_t>(tensor.numel()) * tensor.element_size();
    vlm2vec::fuzz::require(bytes == entry.end - entry.begin, name + ": the view does not cover its byte range");
    const auto* data = static_cast<const uint8_t*>(tensor.data_ptr());
    for (uint64_t i = 0; i < bytes; ++i) checksum += data[i];
  }
  // Keeps the reads from being optimised away.
  asm volatile("" : : "r"(checksum));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const std::string path = vlm2vec::fuzz::scratch_directory() + "/input.safetensors";
  vlm2vec::fuzz::write_input(path, data, size);
  std::shared_ptr<vlm2vec::io::SafetensorsFile> file;
  try {
    file = vlm2vec::io::SafetensorsFile::open(path);
  } catch (const vlm2vec::Error& e) {
    vlm2vec::fuzz::require(std::string(e.what()).find(path) != std::string::npos,
                           std::string("the error does not name the file: ") + e.what());
    return 0;
  }
  read_every_byte(*file);
  return 0;
}

// Three mutations in four are structure-aware; the fourth, and any input whose header does
// not parse, goes to libFuzzer's byte mutator (it also finds the length-field and JSON cases).
extern "C" size_t LLVMFuzzerCustomMutator(uint8_t* data, size_t size, size_t max_size, unsigned int seed) {
  std::mt19937_64 random(seed);
  if (std::uniform_int_distribution<int>(0, 3)(random) != 0) {
    const size_t mutated = vlm2vec::fuzz::mutate_safetensors(data, size, max_size, random);
    if (mutated != 0) return mutated;
  }
  return LLVMFuzzerMutate(data, size, max_size);
}
