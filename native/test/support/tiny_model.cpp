#include "support/tiny_model.h"

#include <cstdlib>
#include <stdexcept>
#include <vector>

#include "models/phi3v/tiny_phi3v.h"
#include "models/llava_next/tiny_llava_next.h"

namespace vlm2vec::testing {

TemporaryDirectory::TemporaryDirectory() {
  std::string pattern = (std::filesystem::temp_directory_path() / "vlm2vec-test-XXXXXX").string();
  std::vector<char> buffer(pattern.begin(), pattern.end());
  buffer.push_back('\0');
  if (mkdtemp(buffer.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  path_ = buffer.data();
}

TemporaryDirectory::~TemporaryDirectory() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

std::filesystem::path write_tiny_phi3v(const std::filesystem::path& parent, uint64_t seed, int64_t image_size) {
  const auto directory = parent / ("phi3v-" + std::to_string(seed) + "-" + std::to_string(image_size));
  models::TinyPhi3VOptions options;
  options.seed = seed;
  options.image_size = image_size;
  models::write_tiny_phi3v(directory.string(), options);
  return directory;
}

}  // namespace vlm2vec::testing
