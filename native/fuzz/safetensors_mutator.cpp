#include "safetensors_mutator.h"

#include <nlohmann/json.hpp>

#include <cstring>
#include <limits>
#include <string>
#include <vector>

namespace vlm2vec::fuzz {
namespace {

using nlohmann::ordered_json;

template <typename T>
const T& pick(const std::vector<T>& values, std::mt19937_64& random) {
  return values[std::uniform_int_distribution<size_t>(0, values.size() - 1)(random)];
}

// Numbers at the edges the validator must get right: zero, off by one, the 32- and 64-bit
// limits, products that overflow, and values that are not whole numbers at all.
ordered_json interesting_number(int64_t near, std::mt19937_64& random) {
  // Wrapping arithmetic: near may itself be an edge value.
  const auto wrap = [near](uint64_t add, uint64_t times) {
    return static_cast<int64_t>(static_cast<uint64_t>(near) * times + add);
  };
  const std::vector<ordered_json> values{
      0, 1, 2, -1, wrap(~uint64_t{0}, 1), wrap(1, 1), wrap(8, 1), wrap(0, 2), int64_t{1} << 31, int64_t{1} << 32, int64_t{1} << 62,
      std::numeric_limits<int64_t>::max(), std::numeric_limits<uint64_t>::max(), 2.5, 1e300, "7", nullptr};
  return pick(values, random);
}

// The tensor entries that are objects, so their fields can be edited.
std::vector<std::string> tensor_names(const ordered_json& header) {
  std::vector<std::string> names;
  for (const auto& [name, value] : header.items()) {
    // Entries an earlier mutation made non-objects are left as they are.
    if (name != "__metadata__" && value.is_object()) names.push_back(name);
  }
  return names;
}

int64_t as_int(const ordered_json& value) { return value.is_number_integer() ? value.get<int64_t>() : 0; }

}  // namespace

size_t mutate_safetensors(uint8_t* data, size_t size, size_t max_size, std::mt19937_64& random) {
  if (size < 8) return 0;
  uint64_t header_length = 0;
  for (int i = 7; i >= 0; --i) header_length = (header_length << 8) | data[i];
  if (header_length > size - 8) return 0;
  ordered_json header = ordered_json::parse(data + 8, data + 8 + header_length, nullptr, false);
  if (header.is_discarded() || !header.is_object()) return 0;
  std::vector<uint8_t> section(data + 8 + header_length, data + size);
  const auto names = tensor_names(header);
  uint64_t written_length = 0;
  bool keep_length = true;

  switch (std::uniform_int_distribution<int>(0, 7)(random)) {
    case 0:  // dtype: another real one (sizes differ), one the reader lacks, or not a string
      if (names.empty()) return 0;
      header[pick(names, random)]["dtype"] =
          pick(std::vector<ordered_json>{"F64", "F32", "F16", "BF16", "I64", "I32", "I16", "I8", "U8", "BOOL",
                                         "F8_E4M3", "", 4, nullptr},
               random);
      break;
    case 1: {  // one dimension changed, added or removed; or the shape is not a list
      if (names.empty()) return 0;
      auto& shape = header[pick(names, random)]["shape"];
      if (!shape.is_array() || std::uniform_int_distribution<int>(0, 9)(random) == 0) {
        shape = pick(std::vector<ordered_json>{ordered_json::array(), 3, "3", ordered_json::object()}, random);
      } else if (shape.empty() || std::uniform_int_distribution<int>(0, 3)(random) == 0) {
        shape.push_back(interesting_number(2, random));
      } else if (std::uniform_int_distribution<int>(0, 3)(random) == 0) {
        shape.erase(shape.size() - 1);
      } else {
        const size_t index = std::uniform_int_distribution<size_t>(0, shape.size() - 1)(random);
        shape[index] = interesting_number(as_int(shape[index]), random);
      }
      break;
    }
    case 2: {  // one end of a byte range, or the pair itself
      if (names.empty()) return 0;
      auto& offsets = header[pick(names, random)]["data_offsets"];
      if (!offsets.is_array() || offsets.size() != 2 || std::uniform_int_distribution<int>(0, 9)(random) == 0) {
        offsets = pick(std::vector<ordered_json>{ordered_json::array(), ordered_json::array({0}),
                                                 ordered_json::array({0, 0, 0}), 0},
                       random);
      } else {
        const size_t index = std::uniform_int_distribution<size_t>(0, 1)(random);
        offsets[index] = interesting_number(as_int(offsets[index]), random);
      }
      break;
    }
    case 3: {  // the 8-byte length field disagrees with the header
      keep_length = false;
      const int64_t length = static_cast<int64_t>(header_length);
      const ordered_json value = interesting_number(length, random);
      written_length = value.is_number_integer() ? static_cast<uint64_t>(as_int(value)) : header_length + 1;
      break;
    }
    case 4:  // an entry removed, duplicated under a new name, or made a non-object
      if (names.empty()) return 0;
      switch (std::uniform_int_distribution<int>(0, 2)(random)) {
        case 0: header.erase(pick(names, random)); break;
        case 1: {
          const ordered_json copy = header[pick(names, random)];  // a copy: inserting may move the entries
          header[pick(names, random) + ".copy"] = copy;
          break;
        }
        default: header[pick(names, random)] = pick(std::vector<ordered_json>{1, "x", ordered_json::array()}, random);
      }
      break;
    case 5: {  // the data section loses or gains bytes
      const size_t change = std::uniform_int_distribution<size_t>(1, 16)(random);
      if (std::uniform_int_distribution<int>(0, 1)(random) == 0 && section.size() >= change) {
        section.resize(section.size() - change);
      } else {
        section.insert(section.end(), change, 0xA5);
      }
      break;
    }
    case 6:  // metadata that is not a map of strings
      header["__metadata__"] = pick(std::vector<ordered_json>{ordered_json::object({{"format", 1}}), "pt",
                                                              ordered_json::object({{"format", "pt"}}), nullptr},
                                    random);
      break;
    default: {  // a key missing from an entry
      if (names.empty()) return 0;
      header[pick(names, random)].erase(pick(std::vector<std::string>{"dtype", "shape", "data_offsets"}, random));
      break;
    }
  }

  std::string text = header.dump();
  text.append((8 - (8 + text.size()) % 8) % 8, ' ');
  if (keep_length) written_length = text.size();
  const size_t total = 8 + text.size() + section.size();
  if (total > max_size) return 0;
  for (int i = 0; i < 8; ++i) data[i] = static_cast<uint8_t>(written_length >> (8 * i));
  std::memcpy(data + 8, text.data(), text.size());
  if (!section.empty()) std::memcpy(data + 8 + text.size(), section.data(), section.size());
  return total;
}

}  // namespace vlm2vec::fuzz
