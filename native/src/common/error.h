// The error type of the native layer: carries the status code the C ABI reports for it.
#pragma once

#include <stdexcept>
#include <string>

#include "vlm2vec.h"

namespace vlm2vec {

// Messages name the argument that was wrong and what would have been right, because they
// reach the user unchanged.
class Error : public std::runtime_error {
 public:
  Error(vlm2vec_status status, const std::string& message)
      : std::runtime_error(message), status_(status) {}
  vlm2vec_status status() const noexcept { return status_; }

 private:
  vlm2vec_status status_;
};

// libtorch reports a failed allocation as a plain c10::Error (CPU) or c10::OutOfMemoryError
// (CUDA); both say so in the message.
inline bool mentions_out_of_memory(const std::string& message) {
  return message.find("out of memory") != std::string::npos ||
         message.find("DefaultCPUAllocator: can't allocate memory") != std::string::npos;
}

inline void check_argument(bool ok, const std::string& message) {
  if (!ok) throw Error(VLM2VEC_ERR_INVALID_ARGUMENT, message);
}

inline void check_not_null(const void* pointer, const char* name) {
  if (pointer == nullptr) throw Error(VLM2VEC_ERR_NULL_POINTER, std::string(name) + " is NULL");
}

}  // namespace vlm2vec
