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
    o.vocab = c.text.vocab_size;
    o.hidden = c.text.hidden_size;
    o.layers = c.text.num_layers;
    o.heads = c.text.num_heads;
    o.kv_heads = c.text.num_kv_heads;
    o.intermediate = c.text.intermediate_size;
    o.image_size = c.vision.image_size;
    o.patch_size = c.vision.patch_size;
    o.clip_hidden = c.vision.hidden_size;
    o.clip_layers = c.vision.num_layers;
    o.clip_heads = c.vision.num_heads;
    o.clip_intermediate = c.vision.intermediate_size;
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
