#include "io/atomic_file.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <mutex>
#include <string>
#include <vector>

#include "common/error.h"

namespace vlm2vec::io {

namespace {

// The process umask, read without changing it where the kernel reports it (Linux >= 4.7);
// otherwise umask() must be set to read it, so that is serialised.
mode_t current_umask() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("Umask:", 0) == 0) return static_cast<mode_t>(std::stoul(line.substr(6), nullptr, 8));
  }
  static std::mutex mutex;
  std::lock_guard<std::mutex> lock(mutex);
  const mode_t mask = ::umask(0);
  ::umask(mask);
  return mask;
}

}  // namespace

AtomicFile::AtomicFile(std::string path) : path_(std::move(path)) {
  std::vector<char> name(path_.begin(), path_.end());
  const std::string suffix = ".tmp-XXXXXX";
  name.insert(name.end(), suffix.begin(), suffix.end());
  name.push_back('\0');
  const int fd = mkstemp(name.data());
  if (fd < 0) throw Error(VLM2VEC_ERR_IO, path_ + ": cannot create a temporary file beside it: " + std::strerror(errno));
  temporary_ = name.data();
  // mkstemp creates 0600; the finished file gets the mode any new file would (0644 under umask 022).
  if (fchmod(fd, 0666 & ~current_umask()) != 0) {
    const std::string reason = std::strerror(errno);
    ::close(fd);
    std::remove(temporary_.c_str());
    throw Error(VLM2VEC_ERR_IO, path_ + ": cannot set the mode of a temporary file: " + reason);
  }
  file_ = fdopen(fd, "wb");
  if (file_ == nullptr) {
    ::close(fd);
    std::remove(temporary_.c_str());
    throw Error(VLM2VEC_ERR_IO, path_ + ": cannot open a temporary file: " + std::strerror(errno));
  }
}

AtomicFile::~AtomicFile() {
  if (file_ != nullptr) {
    std::fclose(file_);
    std::remove(temporary_.c_str());
  }
}

void AtomicFile::write(const void* data, size_t bytes) {
  if (bytes > 0 && std::fwrite(data, 1, bytes, file_) != bytes) {
    throw Error(VLM2VEC_ERR_IO, path_ + ": write failed: " + std::strerror(errno));
  }
}

void AtomicFile::commit() {
  const bool flushed = std::fflush(file_) == 0 && fsync(fileno(file_)) == 0;
  const int closed = std::fclose(file_);
  file_ = nullptr;
  if (!flushed || closed != 0 || std::rename(temporary_.c_str(), path_.c_str()) != 0) {
    const std::string reason = std::strerror(errno);
    std::remove(temporary_.c_str());
    throw Error(VLM2VEC_ERR_IO, path_ + ": cannot complete the write: " + reason);
  }
}

void write_text_file(const std::string& path, const std::string& text) {
  AtomicFile file(path);
  file.write(text.data(), text.size());
  file.commit();
}

}  // namespace vlm2vec::io
