// Random text-only batches for training tests: token ids in [1, 500), right-padded.
#pragma once

#include <cstdint>

#include "models/embedding_model.h"

namespace vlm2vec::testing {

// rows examples of 9 positions, each of a random length in [3, 9], deterministic for seed.
models::EncodeBatch random_text_batch(int64_t rows, uint64_t seed);

}  // namespace vlm2vec::testing
