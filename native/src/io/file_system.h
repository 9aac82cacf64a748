// The file operations of checkpoint writing, on POSIX calls rather than std::filesystem.
// Why: the pip builds of libtorch 2.x export their own copies of std::filesystem's functions
// (64 symbols in torch 2.11's libtorch.so), which then interpose on libstdc++'s; on a CUDA
// device machine std::filesystem::remove_all crashed through that copy. These helpers
// never call into std::filesystem. Errors throw vlm2vec::Error (VLM2VEC_ERR_IO) naming the path.
#pragma once

#include <string>
#include <vector>

namespace vlm2vec::io {

bool path_exists(const std::string& path);
bool is_directory(const std::string& path);
// Both name the same file or directory (same device and inode).
bool same_file(const std::string& a, const std::string& b);
// mkdir -p.
void make_directories(const std::string& path);
// rm -rf; a missing path is not an error.
void remove_tree(const std::string& path);
// rename(2): atomic within one file system.
void rename_path(const std::string& from, const std::string& to);
// Names of the regular files directly in directory, sorted.
std::vector<std::string> regular_files(const std::string& directory);
void copy_file(const std::string& from, const std::string& to);

// An empty directory at path (whatever was there is removed first).
void fresh_directory(const std::string& path);
// Puts the completed directory `built` in place of `target`: an existing target is moved
// aside first and removed only after the swap, so some complete version is always there.
void replace_directory(const std::string& built, const std::string& target);

}  // namespace vlm2vec::io
