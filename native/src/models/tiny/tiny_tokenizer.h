// Small but real Hugging Face tokenizer.json files, their merges learned here, deterministically,
// from a fixed MMEB-style English text:
//  - Llama / Phi-3 style: BPE with byte fallback (<0x00>..<0xFF>), "▁" word boundaries, <unk>
//    <s> </s>, BOS added by the post processor;
//  - Qwen2 style: byte-level BPE (GPT-2's byte symbols, Qwen2's split pattern), no BOS, no unk;
// each with the backbone's added special tokens at the top of the vocabulary.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace vlm2vec::models {

struct SpecialToken {
  std::string content;
  int64_t id;
};

// vocab_size counts every id; the special tokens must sit at ids the BPE part does not use
// (the BPE vocabulary fills ids 0 .. first special id - 1).
nlohmann::ordered_json tiny_bpe_tokenizer(int64_t vocab_size, const std::vector<SpecialToken>& specials);

// The byte symbols take ids 0..255, merges fill up to the first special id.
nlohmann::ordered_json tiny_byte_level_tokenizer(int64_t vocab_size, const std::vector<SpecialToken>& specials);

}  // namespace vlm2vec::models
