// The trainer handle behind the C ABI's vlm2vec_trainer, shared by the training and the
// data-parallel entry points.
#pragma once

#include <cstdint>
#include <memory>

#include "common/error.h"
#include "training/trainer.h"
#include "vlm2vec.h"

struct vlm2vec_trainer {
  static constexpr uint64_t kLiveTag = 0x7665632d74726e72ULL;  // "vec-trnr"
  uint64_t tag = kLiveTag;
  std::unique_ptr<vlm2vec::training::Trainer> impl;
};

namespace vlm2vec::abi {

// The trainer of a live handle; throws BAD_HANDLE for NULL, freed or foreign pointers.
inline training::Trainer& checked_trainer(const vlm2vec_trainer* trainer) {
  check_not_null(trainer, "trainer");
  if (trainer->tag != vlm2vec_trainer::kLiveTag) {
    throw Error(VLM2VEC_ERR_BAD_HANDLE, "trainer is not a live vlm2vec_trainer handle (freed, or of another kind)");
  }
  return *trainer->impl;
}

}  // namespace vlm2vec::abi
