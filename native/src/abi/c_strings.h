// Writing C++ strings into the fixed-size char fields of the ABI's structs.
#pragma once

#include <algorithm>
#include <cstring>
#include <string>

namespace vlm2vec::abi {

// Copies value into field, truncated to fit, always NUL-terminated.
template <size_t N>
void copy_truncated(char (&field)[N], const std::string& value) {
  const size_t length = std::min(value.size(), N - 1);
  std::memcpy(field, value.data(), length);
  field[length] = '\0';
}

}  // namespace vlm2vec::abi
