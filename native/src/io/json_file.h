// Reading model configuration files (config.json, preprocessor_config.json) with errors that
// name the file and the key.
#pragma once

#include <nlohmann/json.hpp>

#include <cmath>
#include <string>
#include <type_traits>
#include <vector>

#include "common/error.h"

namespace vlm2vec::io {

nlohmann::json read_json_file(const std::string& path);

namespace detail {

template <class T>
struct Leaf {
  using type = T;
};
template <class T>
struct Leaf<std::vector<T>> {
  using type = typename Leaf<T>::type;
};

// nlohmann converts a float to an integer with a plain cast: undefined behaviour for 1e300,
// quiet truncation for 2.5. An integer key takes whole numbers in the int64 range only.
inline void check_whole_numbers(const nlohmann::json& value, const std::string& key, const std::string& where) {
  if (value.is_array()) {
    for (const auto& element : value) check_whole_numbers(element, key, where);
  } else if (value.is_number_float()) {
    const double number = value.get<double>();
    if (!(std::isfinite(number) && number == std::floor(number) && std::fabs(number) < 9.2e18)) {
      throw Error(VLM2VEC_ERR_BAD_MODEL, where + ": key '" + key + "' must hold whole numbers, got " + value.dump());
    }
  }
}

}  // namespace detail

template <class T>
T required(const nlohmann::json& object, const std::string& key, const std::string& where) {
  if (!object.contains(key) || object.at(key).is_null()) {
    throw Error(VLM2VEC_ERR_BAD_MODEL, where + " lacks the required key '" + key + "'");
  }
  if constexpr (std::is_integral_v<typename detail::Leaf<T>::type>) {
    detail::check_whole_numbers(object.at(key), key, where);
  }
  try {
    return object.at(key).get<T>();
  } catch (const nlohmann::json::exception& e) {
    throw Error(VLM2VEC_ERR_BAD_MODEL, where + ": key '" + key + "' has the wrong type: " + e.what());
  }
}

template <class T>
T optional(const nlohmann::json& object, const std::string& key, const T& fallback, const std::string& where) {
  if (!object.contains(key) || object.at(key).is_null()) return fallback;
  return required<T>(object, key, where);
}

}  // namespace vlm2vec::io
