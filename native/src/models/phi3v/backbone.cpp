// Phi-3.5-vision (VLM2Vec V1's phi3_v checkpoints).
#include "common/error.h"
#include "models/backbone.h"
#include "models/phi3v/phi3v_model.h"
#include "models/phi3v/tiny_phi3v.h"
#include "models/tiny/tiny_weights.h"

namespace vlm2vec::models {

Backbone phi3v_backbone() {
  Backbone b;
  b.model_type = "phi3_v";
  b.names = {"phi3v"};
  b.load = [](const std::string& directory, io::Checkpoint& checkpoint) -> std::unique_ptr<EmbeddingModel> {
    return std::make_unique<Phi3VModel>(checkpoint, read_phi3v_config(directory, checkpoint));
  };
  b.write_tiny = [](const std::string& directory, uint64_t seed, int64_t image_size) {
    TinyPhi3VOptions options;
    options.seed = seed;
    tiny::check_image_size(image_size, 28);
    if (image_size != 0) options.image_size = image_size;
    write_tiny_phi3v(directory, options);
  };
  b.tensors = [](const std::string& directory) {
    const auto c = read_phi3v_config(directory, io::Checkpoint::without_weights(directory));
    TinyPhi3VOptions o;
    tiny::copy_sizes(o, c.text, c.vision);
    return phi3v_tensors(o);
  };
  b.write_tokenizer = [](const std::string& directory) {
    const auto c = read_phi3v_config(directory, io::Checkpoint::without_weights(directory));
    write_phi3v_tokenizer(directory, c.text.vocab_size, c.pad_token_id);
  };
  b.lora_targets = {"qkv_proj", "o_proj", "gate_up_proj", "down_proj", "q_proj", "k_proj", "v_proj", "out_proj"};
  return b;
}

}  // namespace vlm2vec::models
