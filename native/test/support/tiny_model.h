// Tiny random checkpoints written into a temporary directory for a test.
#pragma once

#include <filesystem>
#include <string>

namespace vlm2vec::testing {

// A fresh temporary directory, removed when the object goes.
class TemporaryDirectory {
 public:
  TemporaryDirectory();
  ~TemporaryDirectory();
  TemporaryDirectory(const TemporaryDirectory&) = delete;
  TemporaryDirectory& operator=(const TemporaryDirectory&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// Writes a tiny Phi-3.5-V model (init-tiny) for seed into a new directory under parent.
std::filesystem::path write_tiny_phi3v(const std::filesystem::path& parent, uint64_t seed, int64_t image_size = 56);

}  // namespace vlm2vec::testing
