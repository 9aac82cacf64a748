#include "io/file_system.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "common/error.h"

namespace vlm2vec::io {
namespace {

[[noreturn]] void fail(const std::string& what, const std::string& path) {
  throw Error(VLM2VEC_ERR_IO, what + " " + path + ": " + std::strerror(errno));
}

}  // namespace

bool path_exists(const std::string& path) {
  struct stat info {};
  return ::lstat(path.c_str(), &info) == 0;
}

bool is_directory(const std::string& path) {
  struct stat info {};
  return ::stat(path.c_str(), &info) == 0 && S_ISDIR(info.st_mode);
}

bool same_file(const std::string& a, const std::string& b) {
  struct stat x {}, y {};
  return ::stat(a.c_str(), &x) == 0 && ::stat(b.c_str(), &y) == 0 && x.st_dev == y.st_dev && x.st_ino == y.st_ino;
}

void make_directories(const std::string& path) {
  if (path.empty() || is_directory(path)) return;
  const auto slash = path.find_last_of('/');
  if (slash != std::string::npos && slash > 0) make_directories(path.substr(0, slash));
  // 0777: the umask decides (0755 under umask 022), as for any new folder.
  if (::mkdir(path.c_str(), 0777) != 0 && errno != EEXIST) fail("cannot create directory", path);
  if (!is_directory(path)) throw Error(VLM2VEC_ERR_IO, "cannot create directory " + path + ": a file of that name exists");
}

void remove_tree(const std::string& path) {
  struct stat info {};
  if (::lstat(path.c_str(), &info) != 0) return;
  if (S_ISDIR(info.st_mode)) {
    DIR* directory = ::opendir(path.c_str());
    if (directory == nullptr) fail("cannot open directory", path);
    std::vector<std::string> children;
    while (const dirent* entry = ::readdir(directory)) {
      const std::string name = entry->d_name;
      if (name != "." && name != "..") children.push_back(path + "/" + name);
    }
    ::closedir(directory);
    for (const auto& child : children) remove_tree(child);
    if (::rmdir(path.c_str()) != 0) fail("cannot remove directory", path);
  } else if (::unlink(path.c_str()) != 0) {
    fail("cannot remove", path);
  }
}

void rename_path(const std::string& from, const std::string& to) {
  if (::rename(from.c_str(), to.c_str()) != 0) fail("cannot move " + from + " to", to);
}

std::vector<std::string> regular_files(const std::string& directory) {
  DIR* handle = ::opendir(directory.c_str());
  if (handle == nullptr) fail("cannot open directory", directory);
  std::vector<std::string> names;
  while (const dirent* entry = ::readdir(handle)) {
    struct stat info {};
    const std::string name = entry->d_name;
    if (::stat((directory + "/" + name).c_str(), &info) == 0 && S_ISREG(info.st_mode)) names.push_back(name);
  }
  ::closedir(handle);
  std::sort(names.begin(), names.end());
  return names;
}

void copy_file(const std::string& from, const std::string& to) {
  const int in = ::open(from.c_str(), O_RDONLY | O_CLOEXEC);
  if (in < 0) fail("cannot read", from);
  const int out = ::open(to.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);  // the umask decides
  if (out < 0) {
    ::close(in);
    fail("cannot write", to);
  }
  char buffer[1 << 16];
  ssize_t got;
  while ((got = ::read(in, buffer, sizeof buffer)) > 0) {
    for (ssize_t done = 0; done < got;) {
      const ssize_t wrote = ::write(out, buffer + done, static_cast<size_t>(got - done));
      if (wrote < 0) {
        ::close(in);
        ::close(out);
        fail("cannot write", to);
      }
      done += wrote;
    }
  }
  const bool ok = got == 0;
  ::close(in);
  if (::close(out) != 0 || !ok) fail("cannot copy " + from + " to", to);
}

void fresh_directory(const std::string& path) {
  remove_tree(path);
  make_directories(path);
}

void replace_directory(const std::string& built, const std::string& target) {
  const std::string old = target + ".old";
  remove_tree(old);
  if (path_exists(target)) rename_path(target, old);
  rename_path(built, target);
  remove_tree(old);
}

}  // namespace vlm2vec::io
