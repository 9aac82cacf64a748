#include "fuzz_input_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>

namespace vlm2vec::fuzz {
namespace {

// Never freed: the exit handler that removes the folder runs after static destructors.
const std::string* make_scratch_directory() {
  namespace fs = std::filesystem;
  const fs::path base = fs::is_directory("/dev/shm") ? fs::path("/dev/shm") : fs::temp_directory_path();
  const auto* directory = new std::string((base / ("vlm2vec-fuzz-" + std::to_string(getpid()))).string());
  fs::create_directories(*directory);
  std::atexit([] { std::filesystem::remove_all(scratch_directory()); });
  return directory;
}

}  // namespace

const std::string& scratch_directory() {
  static const std::string* directory = make_scratch_directory();
  return *directory;
}

void write_input(const std::string& path, const uint8_t* data, size_t size) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  require(fd >= 0, "cannot write the fuzz input to " + path);
  size_t written = 0;
  while (written < size) {
    const ssize_t n = ::write(fd, data + written, size - written);
    require(n > 0, "cannot write the fuzz input to " + path);
    written += static_cast<size_t>(n);
  }
  ::close(fd);
}

void require(bool ok, const std::string& what) {
  if (ok) return;
  std::fprintf(stderr, "fuzz invariant violated: %s\n", what.c_str());
  std::abort();
}

}  // namespace vlm2vec::fuzz
