#include "abi/guard.h"

#include <c10/util/Exception.h>

#include <exception>
#include <new>
#include <string>

namespace vlm2vec::abi {
namespace {

// One message per thread, so concurrent callers never read each other's failures.
thread_local std::string last_error_message;

}  // namespace

int32_t fail(vlm2vec_status status, const std::string& message) noexcept {
  try {
    last_error_message = message;
  } catch (...) {
    // Assigning can only fail for lack of memory; keep the status, lose the text.
    last_error_message.clear();
  }
  return status;
}

int32_t fail_from_current_exception() noexcept {
  try {
    throw;
  } catch (const Error& e) {
    return fail(e.status(), e.what());
  } catch (const c10::Error& e) {
    // what() carries a C++ backtrace that means nothing to a Java user.
    const std::string message = e.what_without_backtrace();
    return fail(mentions_out_of_memory(message) ? VLM2VEC_ERR_OUT_OF_MEMORY : VLM2VEC_ERR_TORCH,
                message);
  } catch (const std::bad_alloc&) {
    return fail(VLM2VEC_ERR_OUT_OF_MEMORY, "out of memory");
  } catch (const std::exception& e) {
    return fail(VLM2VEC_ERR_INTERNAL, std::string("internal error: ") + e.what());
  } catch (...) {
    return fail(VLM2VEC_ERR_INTERNAL, "internal error: unknown exception");
  }
}

}  // namespace vlm2vec::abi

extern "C" const char* vlm2vec_last_error(void) {
  return vlm2vec::abi::last_error_message.c_str();
}

extern "C" const char* vlm2vec_status_name(int32_t status) {
  switch (status) {
    case VLM2VEC_OK: return "VLM2VEC_OK";
    case VLM2VEC_ERR_INVALID_ARGUMENT: return "VLM2VEC_ERR_INVALID_ARGUMENT";
    case VLM2VEC_ERR_NULL_POINTER: return "VLM2VEC_ERR_NULL_POINTER";
    case VLM2VEC_ERR_BAD_HANDLE: return "VLM2VEC_ERR_BAD_HANDLE";
    case VLM2VEC_ERR_OUT_OF_MEMORY: return "VLM2VEC_ERR_OUT_OF_MEMORY";
    case VLM2VEC_ERR_IO: return "VLM2VEC_ERR_IO";
    case VLM2VEC_ERR_UNSUPPORTED: return "VLM2VEC_ERR_UNSUPPORTED";
    case VLM2VEC_ERR_TORCH: return "VLM2VEC_ERR_TORCH";
    case VLM2VEC_ERR_INTERNAL: return "VLM2VEC_ERR_INTERNAL";
    case VLM2VEC_ERR_BAD_MODEL: return "VLM2VEC_ERR_BAD_MODEL";
    default: return "VLM2VEC_UNKNOWN_STATUS";
  }
}
