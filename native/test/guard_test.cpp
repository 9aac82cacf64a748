// The C ABI boundary: each kind of exception becomes its status and a readable message,
// and each thread keeps its own last error.
#include <c10/util/Exception.h>
#include <gtest/gtest.h>

#include <new>
#include <stdexcept>
#include <string>
#include <thread>

#include "abi/guard.h"
#include "vlm2vec.h"

using vlm2vec::abi::guarded;

TEST(Guard, SuccessReturnsOk) {
  EXPECT_EQ(guarded([] {}), VLM2VEC_OK);
}

TEST(Guard, VlmErrorKeepsItsStatusAndMessage) {
  const int32_t status = guarded([] { throw vlm2vec::Error(VLM2VEC_ERR_IO, "cannot read /x/config.json"); });
  EXPECT_EQ(status, VLM2VEC_ERR_IO);
  EXPECT_STREQ(vlm2vec_last_error(), "cannot read /x/config.json");
}

TEST(Guard, TorchErrorDropsTheBacktrace) {
  const int32_t status = guarded([] { TORCH_CHECK(false, "shapes [2, 3] and [4] differ"); });
  EXPECT_EQ(status, VLM2VEC_ERR_TORCH);
  const std::string message = vlm2vec_last_error();
  EXPECT_NE(message.find("shapes [2, 3] and [4] differ"), std::string::npos);
  EXPECT_EQ(message.find("frame #"), std::string::npos) << message;
}

TEST(Guard, BadAllocIsOutOfMemory) {
  EXPECT_EQ(guarded([] { throw std::bad_alloc(); }), VLM2VEC_ERR_OUT_OF_MEMORY);
  EXPECT_STREQ(vlm2vec_last_error(), "out of memory");
}

TEST(Guard, UnknownExceptionsAreInternalErrors) {
  EXPECT_EQ(guarded([] { throw std::logic_error("broken invariant"); }), VLM2VEC_ERR_INTERNAL);
  EXPECT_STREQ(vlm2vec_last_error(), "internal error: broken invariant");
  EXPECT_EQ(guarded([] { throw 42; }), VLM2VEC_ERR_INTERNAL);
  EXPECT_STREQ(vlm2vec_last_error(), "internal error: unknown exception");
}

TEST(Guard, LastErrorIsPerThread) {
  guarded([] { throw vlm2vec::Error(VLM2VEC_ERR_IO, "main thread failure"); });
  std::string seen_by_other_thread = "unset";
  std::thread other([&] {
    seen_by_other_thread = vlm2vec_last_error();
    guarded([] { throw vlm2vec::Error(VLM2VEC_ERR_IO, "other thread failure"); });
  });
  other.join();
  EXPECT_EQ(seen_by_other_thread, "");
  EXPECT_STREQ(vlm2vec_last_error(), "main thread failure");
}

TEST(Guard, StatusNamesCoverEveryCode) {
  EXPECT_STREQ(vlm2vec_status_name(VLM2VEC_OK), "VLM2VEC_OK");
  EXPECT_STREQ(vlm2vec_status_name(VLM2VEC_ERR_BAD_HANDLE), "VLM2VEC_ERR_BAD_HANDLE");
  EXPECT_STREQ(vlm2vec_status_name(VLM2VEC_ERR_INTERNAL), "VLM2VEC_ERR_INTERNAL");
  EXPECT_STREQ(vlm2vec_status_name(-5), "VLM2VEC_UNKNOWN_STATUS");
}
