// Reading model configuration files (config.json, preprocessor_config.json) with errors that
// name the file and the key.
#pragma once

#include <nlohmann/json.hpp>

#include <string>

#include "common/error.h"

namespace vlm2vec::io {

nlohmann::json read_json_file(const std::string& path);

template <class T>
T required(const nlohmann::json& object, const std::string& key, const std::string& where) {
  if (!object.contains(key) || object.at(key).is_null()) {
    throw Error(VLM2VEC_ERR_BAD_MODEL, where + " lacks the required key '" + key + "'");
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
