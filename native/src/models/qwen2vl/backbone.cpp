// Qwen2-VL (VLM2Vec-V2.0, VLM2Vec-Qwen2VL-2B/7B, GME): shared/docs/MODELS-qwen2vl.md.
#include "common/error.h"
#include "models/backbone.h"
#include "models/qwen2vl/qwen2vl_model.h"
#include "models/qwen2vl/tiny_qwen2vl.h"

namespace vlm2vec::models {

Backbone qwen2vl_backbone() {
  Backbone b;
  b.model_type = "qwen2_vl";
  b.names = {"qwen2vl"};
  b.load = [](const std::string& directory, io::Checkpoint& checkpoint) -> std::unique_ptr<EmbeddingModel> {
    return std::make_unique<qwen2vl::Qwen2VlModel>(checkpoint, qwen2vl::read_qwen2vl_config(directory, checkpoint));
  };
  b.write_tiny = [](const std::string& directory, uint64_t seed, int64_t image_size) {
    check_argument(image_size == 0, "image_size = " + std::to_string(image_size) +
                                        ": qwen2_vl images have no fixed size (the processor's min/max pixels decide); pass 0");
    qwen2vl::TinyQwen2VlOptions options;
    options.seed = seed;
    qwen2vl::write_tiny_qwen2vl(directory, options);
  };
  // Suffix matching of VLM2Vec's defaults finds the language model's projections only: the
  // vision tower's are attn.qkv, attn.proj, mlp.fc1, mlp.fc2 (MODELS-qwen2vl.md section 2).
  b.lora_targets = {"q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"};
  return b;
}

}  // namespace vlm2vec::models
