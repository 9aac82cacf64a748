// LLaVA-NeXT / LLaVA-1.6 (Mistral or Llama decoder, llava-hf layout, old or new tensor names).
#include "common/error.h"
#include "models/backbone.h"
#include "models/llava_next/llava_next_model.h"
#include "models/llava_next/tiny_llava_next.h"
#include "models/tiny/tiny_weights.h"

namespace vlm2vec::models {

Backbone llava_next_backbone() {
  Backbone b;
  b.model_type = "llava_next";
  b.names = {"llava-next"};
  b.load = [](const std::string& directory, io::Checkpoint& checkpoint) -> std::unique_ptr<EmbeddingModel> {
    const auto names = LlavaNextWeightNames::detect(checkpoint);
    return std::make_unique<LlavaNextModel>(checkpoint, read_llava_next_config(directory, checkpoint, names), names);
  };
  b.write_tiny = [](const std::string& directory, uint64_t seed, int64_t image_size) {
    TinyLlavaNextOptions options;
    options.seed = seed;
    tiny::check_image_size(image_size, 14);
    if (image_size != 0) options.image_size = image_size;
    write_tiny_llava_next(directory, options);
  };
  b.lora_targets = {"q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj", "out_proj"};
  return b;
}

}  // namespace vlm2vec::models
