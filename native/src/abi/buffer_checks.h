// Argument checks shared by the C ABI functions: every caller-owned buffer comes with its
// element count, which must match the shape the other arguments describe.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <limits>
#include <string>
#include <vector>

#include "common/error.h"

namespace vlm2vec::abi {

inline void check_dimension(const char* name, int64_t value, int64_t minimum) {
  check_argument(value >= minimum, std::string(name) + " = " + std::to_string(value) +
                                       " is invalid: it must be at least " + std::to_string(minimum));
}

// Product of non-negative sizes; an overflow is an argument error, not a wrap-around.
inline int64_t checked_product(const std::vector<int64_t>& sizes) {
  int64_t product = 1;
  for (const int64_t size : sizes) {
    if (size != 0 && product > std::numeric_limits<int64_t>::max() / size) {
      throw Error(VLM2VEC_ERR_INVALID_ARGUMENT, "tensor shape is too large: its element count overflows int64");
    }
    product *= size;
  }
  return product;
}

inline int64_t checked_product(std::initializer_list<int64_t> sizes) { return checked_product(std::vector<int64_t>(sizes)); }

// A buffer may only be NULL when it holds no elements.
inline void check_buffer(const char* name, const void* data, int64_t numel, int64_t expected,
                         const char* expected_formula) {
  check_argument(numel == expected, std::string(name) + " holds " + std::to_string(numel) +
                                        " elements but " + expected_formula + " = " +
                                        std::to_string(expected) + " are required");
  if (expected > 0) check_not_null(data, name);
}

}  // namespace vlm2vec::abi
