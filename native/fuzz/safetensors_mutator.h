// A structure-aware mutator for safetensors files: byte flips almost never get a damaged
// file past the JSON parser, so most mutations here parse the header, change one field the
// validator must judge (a dtype, a dimension, an offset, the header length, an entry, the
// data section's length) and write the file back. Inputs whose header does not parse are
// left to libFuzzer's byte mutator.
#pragma once

#include <cstddef>
#include <cstdint>
#include <random>

namespace vlm2vec::fuzz {

// Mutates data[0, size) in place (up to max_size bytes) and returns the new size, or 0 when
// the input is not a safetensors file whose header parses (the caller then mutates bytes).
size_t mutate_safetensors(uint8_t* data, size_t size, size_t max_size, std::mt19937_64& random);

}  // namespace vlm2vec::fuzz
