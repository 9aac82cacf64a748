#include "models/backbone.h"

#include <algorithm>

#include "common/error.h"

namespace vlm2vec::models {

const std::vector<Backbone>& backbones() {
  static const std::vector<Backbone> all{phi3v_backbone(), llava_next_backbone(), qwen2vl_backbone()};
  return all;
}

const Backbone& find_backbone(const std::string& name, const std::string& where) {
  std::string known;
  for (const auto& backbone : backbones()) {
    if (backbone.model_type == name || std::find(backbone.names.begin(), backbone.names.end(), name) != backbone.names.end()) {
      return backbone;
    }
    known += (known.empty() ? "" : ", ") + backbone.model_type;
  }
  throw Error(VLM2VEC_ERR_UNSUPPORTED, where + ": model_type '" + name + "' is not supported (" + known + ")");
}

}  // namespace vlm2vec::models
