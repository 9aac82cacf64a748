// The C ABI boundary: every exception becomes a status code plus a thread-local message.
#pragma once

#include <cstdint>
#include <string>
#include <utility>

#include "common/error.h"
#include "vlm2vec.h"

namespace vlm2vec::abi {

// Records message as this thread's last error and returns status.
int32_t fail(vlm2vec_status status, const std::string& message) noexcept;

// Call from inside a catch block only.
int32_t fail_from_current_exception() noexcept;

// Runs body; returns VLM2VEC_OK, or the status of whatever it threw (message recorded).
template <class Body>
int32_t guarded(Body&& body) noexcept {
  try {
    std::forward<Body>(body)();
    return VLM2VEC_OK;
  } catch (...) {
    return fail_from_current_exception();
  }
}

}  // namespace vlm2vec::abi
