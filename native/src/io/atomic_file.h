// A file written in full or not at all: data goes to a temporary file beside the target,
// which is flushed and renamed over it on commit(); without commit() the temporary file is
// removed, and an existing target is never touched.
#pragma once

#include <cstddef>
#include <cstdio>
#include <string>

namespace vlm2vec::io {

class AtomicFile {
 public:
  explicit AtomicFile(std::string path);
  ~AtomicFile();
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;

  void write(const void* data, size_t bytes);
  void commit();

 private:
  std::string path_;
  std::string temporary_;
  std::FILE* file_ = nullptr;
};

// Writes text to path atomically.
void write_text_file(const std::string& path, const std::string& text);

}  // namespace vlm2vec::io
