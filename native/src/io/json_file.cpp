#include "io/json_file.h"

#include <fstream>

namespace vlm2vec::io {

nlohmann::json read_json_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw Error(VLM2VEC_ERR_BAD_MODEL, "cannot read " + path);
  try {
    return nlohmann::json::parse(in);
  } catch (const nlohmann::json::exception& e) {
    throw Error(VLM2VEC_ERR_BAD_MODEL, path + " is not valid JSON: " + e.what());
  }
}

}  // namespace vlm2vec::io
