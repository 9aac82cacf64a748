// The tiny checkpoints the config fuzzer loads one of per input, narrower than the test
// models so an execution stays in the millisecond range; the seed corpus holds their config.json.
#pragma once

#include <string>

namespace vlm2vec::fuzz {

void write_narrow_phi3v(const std::string& directory);
void write_narrow_llava_next(const std::string& directory);

}  // namespace vlm2vec::fuzz
