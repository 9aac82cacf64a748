#include "models/tiny/tiny_tokenizer.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <map>
#include <sstream>

#include "common/error.h"

namespace vlm2vec::models {
namespace {

const char* const kWordBoundary = "\xe2\x96\x81";  // U+2581 "▁"

// Text the merges are learned from: MMEB-style instructions and captions.
const char* const kCorpus =
    "Represent the given image with the following question: what is in the image? "
    "Represent the given image for classification. Find an image caption describing the given image. "
    "Select the portion of the image that isolates the object of the given label. "
    "Retrieve an image that matches the given caption. Find a news image that matches the given caption. "
    "Represent the given image with the following question: what color is the shape? how many objects are there? "
    "a red circle on the left of a blue square. a green triangle above a yellow star. two dogs playing in the park. "
    "a photo of a cat sitting on a chair. a man riding a horse on the beach. the number of shapes in the picture. "
    "Given a question, find the answer in the document. Represent the given text for retrieval of images.";

// Qwen2's pre-tokenizer split (tokenizer.json of the Qwen2 / Qwen2-VL checkpoints).
const char* const kQwen2SplitPattern =
    "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";

// Splits UTF-8 text into code points (each as its UTF-8 string).
std::vector<std::string> code_points(const std::string& text) {
  std::vector<std::string> points;
  for (size_t i = 0; i < text.size();) {
    const auto lead = static_cast<unsigned char>(text[i]);
    const size_t length = lead < 0x80 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4;
    points.push_back(text.substr(i, length));
    i += length;
  }
  return points;
}

// Learns BPE merges over words (symbol sequences with their counts) until the vocabulary
// reaches limit ids or nothing is left to merge; adds each merged symbol to vocab.
nlohmann::ordered_json learn_merges(std::map<std::vector<std::string>, int64_t> words, nlohmann::ordered_json& vocab,
                                    int64_t& next_id, int64_t limit) {
  nlohmann::ordered_json merges = nlohmann::ordered_json::array();
  while (next_id < limit) {
    std::map<std::pair<std::string, std::string>, int64_t> pairs;
    for (const auto& [symbols, count] : words) {
      for (size_t i = 0; i + 1 < symbols.size(); ++i) pairs[{symbols[i], symbols[i + 1]}] += count;
    }
    if (pairs.empty()) break;
    // Most frequent pair; the map's order breaks ties, so the result is deterministic.
    auto best = pairs.begin();
    for (auto it = pairs.begin(); it != pairs.end(); ++it) {
      if (it->second > best->second) best = it;
    }
    const auto [left, right] = best->first;
    const std::string merged = left + right;
    if (!vocab.contains(merged)) vocab[merged] = next_id++;
    merges.push_back(left + " " + right);
    std::map<std::vector<std::string>, int64_t> rewritten;
    for (const auto& [symbols, count] : words) {
      std::vector<std::string> out;
      for (size_t i = 0; i < symbols.size(); ++i) {
        if (i + 1 < symbols.size() && symbols[i] == left && symbols[i + 1] == right) {
          out.push_back(merged);
          ++i;
        } else {
          out.push_back(symbols[i]);
        }
      }
      rewritten[out] += count;
    }
    words = std::move(rewritten);
  }
  return merges;
}

nlohmann::ordered_json added_token(const std::string& content, int64_t id) {
  return nlohmann::ordered_json{{"id", id},        {"content", content}, {"single_word", false}, {"lstrip", false},
                                {"rstrip", false}, {"normalized", false}, {"special", true}};
}

}  // namespace

nlohmann::ordered_json tiny_bpe_tokenizer(int64_t vocab_size, const std::vector<SpecialToken>& specials) {
  int64_t bpe_limit = vocab_size;
  for (const auto& special : specials) {
    if (special.id >= 3) bpe_limit = std::min(bpe_limit, special.id);
  }
  nlohmann::ordered_json vocab = nlohmann::ordered_json::object();
  int64_t next_id = 0;
  for (const char* base : {"<unk>", "<s>", "</s>"}) vocab[base] = next_id++;
  for (int byte = 0; byte < 256; ++byte) {
    char name[8];
    std::snprintf(name, sizeof(name), "<0x%02X>", byte);
    vocab[name] = next_id++;
  }
  // Words as the normaliser produces them: "▁" before each, spaces gone.
  std::map<std::vector<std::string>, int64_t> words;
  std::istringstream corpus(kCorpus);
  for (std::string word; corpus >> word;) ++words[code_points(kWordBoundary + word)];
  std::vector<std::string> alphabet;
  for (const auto& [symbols, count] : words) {
    for (const auto& symbol : symbols) {
      if (std::find(alphabet.begin(), alphabet.end(), symbol) == alphabet.end()) alphabet.push_back(symbol);
    }
  }
  std::sort(alphabet.begin(), alphabet.end());
  for (const auto& symbol : alphabet) {
    if (next_id < bpe_limit) vocab[symbol] = next_id++;
  }
  const auto merges = learn_merges(words, vocab, next_id, bpe_limit);

  const auto added = added_token;
  nlohmann::ordered_json added_tokens = nlohmann::ordered_json::array({added("<unk>", 0), added("<s>", 1), added("</s>", 2)});
  for (const auto& special : specials) {
    if (special.id < 3) continue;
    if (special.id >= vocab_size) {
      throw Error(VLM2VEC_ERR_INVALID_ARGUMENT, "special token " + special.content + " id " + std::to_string(special.id) +
                                                    " is outside the vocabulary of " + std::to_string(vocab_size));
    }
    added_tokens.push_back(added(special.content, special.id));
    vocab[special.content] = special.id;
  }

  const auto sequence_piece = [](const char* id) { return nlohmann::ordered_json{{"Sequence", {{"id", id}, {"type_id", 0}}}}; };
  const nlohmann::ordered_json bos = {{"SpecialToken", {{"id", "<s>"}, {"type_id", 0}}}};
  nlohmann::ordered_json tokenizer;
  tokenizer["version"] = "1.0";
  tokenizer["truncation"] = nullptr;
  tokenizer["padding"] = nullptr;
  tokenizer["added_tokens"] = added_tokens;
  tokenizer["normalizer"] = {
      {"type", "Sequence"},
      {"normalizers", {{{"type", "Prepend"}, {"prepend", kWordBoundary}},
                       {{"type", "Replace"}, {"pattern", {{"String", " "}}}, {"content", kWordBoundary}}}}};
  tokenizer["pre_tokenizer"] = nullptr;
  tokenizer["post_processor"] = {
      {"type", "TemplateProcessing"},
      {"single", {bos, sequence_piece("A")}},
      {"pair", {bos, sequence_piece("A"), bos, sequence_piece("B")}},
      {"special_tokens", {{"<s>", {{"id", "<s>"}, {"ids", {1}}, {"tokens", {"<s>"}}}}}}};
  tokenizer["decoder"] = {
      {"type", "Sequence"},
      {"decoders", {{{"type", "Replace"}, {"pattern", {{"String", kWordBoundary}}}, {"content", " "}},
                    {{"type", "ByteFallback"}},
                    {{"type", "Fuse"}},
                    {{"type", "Strip"}, {"content", " "}, {"start", 1}, {"stop", 0}}}}};
  tokenizer["model"] = {{"type", "BPE"},
                        {"dropout", nullptr},
                        {"unk_token", "<unk>"},
                        {"continuing_subword_prefix", nullptr},
                        {"end_of_word_suffix", nullptr},
                        {"fuse_unk", true},
                        {"byte_fallback", true},
                        {"vocab", vocab},
                        {"merges", merges}};
  return tokenizer;
}

namespace {

// GPT-2's reversible byte -> printable code point table: printable Latin-1 bytes keep their
// code point, the others are moved to 256 and up in byte order. Returns the UTF-8 symbol per
// byte in vocabulary order (the printable ones first).
std::vector<std::pair<int, std::string>> byte_symbols() {
  std::vector<int> bytes;
  for (int b = '!'; b <= '~'; ++b) bytes.push_back(b);
  for (int b = 0xA1; b <= 0xAC; ++b) bytes.push_back(b);
  for (int b = 0xAE; b <= 0xFF; ++b) bytes.push_back(b);
  std::vector<int> points = bytes;
  int shifted = 0;
  for (int b = 0; b < 256; ++b) {
    if (std::find(bytes.begin(), bytes.end(), b) == bytes.end()) {
      bytes.push_back(b);
      points.push_back(256 + shifted++);
    }
  }
  std::vector<std::pair<int, std::string>> symbols;
  for (size_t i = 0; i < bytes.size(); ++i) {
    const int cp = points[i];
    std::string utf8;
    if (cp < 0x80) {
      utf8 = std::string(1, static_cast<char>(cp));
    } else {
      utf8 = {static_cast<char>(0xC0 | (cp >> 6)), static_cast<char>(0x80 | (cp & 0x3F))};
    }
    symbols.emplace_back(bytes[i], utf8);
  }
  return symbols;
}

}  // namespace

nlohmann::ordered_json tiny_byte_level_tokenizer(int64_t vocab_size, const std::vector<SpecialToken>& specials) {
  int64_t bpe_limit = vocab_size;
  for (const auto& special : specials) bpe_limit = std::min(bpe_limit, special.id);
  check_argument(bpe_limit >= 256, "a byte-level tokenizer needs the 256 byte symbols below its first special id");
  nlohmann::ordered_json vocab = nlohmann::ordered_json::object();
  std::string symbol_of[256];
  int64_t next_id = 0;
  for (const auto& [byte, symbol] : byte_symbols()) {
    symbol_of[byte] = symbol;
    vocab[symbol] = next_id++;
  }
  // Pieces as Qwen2's split pattern cuts the corpus: letter runs with their leading space,
  // punctuation on its own; then each byte as its symbol.
  std::map<std::vector<std::string>, int64_t> words;
  const std::string corpus = kCorpus;
  for (size_t i = 0; i < corpus.size();) {
    size_t j = i + (corpus[i] == ' ' ? 1 : 0);
    const bool letters = j < corpus.size() && std::isalpha(static_cast<unsigned char>(corpus[j]));
    while (j < corpus.size() && corpus[j] != ' ' && (std::isalpha(static_cast<unsigned char>(corpus[j])) != 0) == letters) ++j;
    if (j == i) ++j;
    std::vector<std::string> piece;
    for (size_t k = i; k < j; ++k) piece.push_back(symbol_of[static_cast<unsigned char>(corpus[k])]);
    ++words[piece];
    i = j;
  }
  const auto merges = learn_merges(words, vocab, next_id, bpe_limit);
  nlohmann::ordered_json added_tokens = nlohmann::ordered_json::array();
  for (const auto& special : specials) {
    if (special.id >= vocab_size) {
      throw Error(VLM2VEC_ERR_INVALID_ARGUMENT, "special token " + special.content + " id " + std::to_string(special.id) +
                                                    " is outside the vocabulary of " + std::to_string(vocab_size));
    }
    added_tokens.push_back(added_token(special.content, special.id));
    vocab[special.content] = special.id;
  }
  const nlohmann::ordered_json byte_level = {
      {"type", "ByteLevel"}, {"add_prefix_space", false}, {"trim_offsets", false}, {"use_regex", false}};
  nlohmann::ordered_json tokenizer;
  tokenizer["version"] = "1.0";
  tokenizer["truncation"] = nullptr;
  tokenizer["padding"] = nullptr;
  tokenizer["added_tokens"] = added_tokens;
  tokenizer["normalizer"] = {{"type", "NFC"}};
  tokenizer["pre_tokenizer"] = {
      {"type", "Sequence"},
      {"pretokenizers",
       {{{"type", "Split"},
         {"pattern", {{"Regex", kQwen2SplitPattern}}},
         {"behavior", "Isolated"},
         {"invert", false}},
        byte_level}}};
  tokenizer["post_processor"] = {
      {"type", "ByteLevel"}, {"add_prefix_space", false}, {"trim_offsets", false}, {"use_regex", false}};
  tokenizer["decoder"] = byte_level;
  tokenizer["model"] = {{"type", "BPE"},
                        {"dropout", nullptr},
                        {"unk_token", nullptr},
                        {"continuing_subword_prefix", ""},
                        {"end_of_word_suffix", ""},
                        {"fuse_unk", false},
                        {"byte_fallback", false},
                        {"vocab", vocab},
                        {"merges", merges}};
  return tokenizer;
}

}  // namespace vlm2vec::models
