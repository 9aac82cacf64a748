// LLaVA-NeXT / LLaVA-1.6 (Mistral or Llama decoder, llava-hf layout, old or new tensor names).
#include "common/error.h"
#include "io/json_file.h"
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
  b.tensors = [](const std::string& directory) {
    const auto checkpoint = io::Checkpoint::without_weights(directory);
    const auto names = LlavaNextWeightNames::detect(checkpoint);
    const auto c = read_llava_next_config(directory, checkpoint, names);
    check_argument(c.text.head_dim * c.text.num_heads == c.text.hidden_size,
                   directory + "/config.json: init-random needs head_dim = hidden_size / num_attention_heads");
    // The 4.45 names: a config alone cannot say which layout a checkpoint will use.
    TinyLlavaNextOptions o;
    tiny::copy_sizes(o, c.text, c.vision);
    return llava_next_tensors(o);
  };
  b.write_tokenizer = [](const std::string& directory) {
    const std::string path = directory + "/config.json";
    const auto json = io::read_json_file(path);
    const auto checkpoint = io::Checkpoint::without_weights(directory);
    const auto c = read_llava_next_config(directory, checkpoint, LlavaNextWeightNames::detect(checkpoint));
    write_llava_next_tokenizer(directory, c.text.vocab_size, c.image_token_index,
                               io::optional<int64_t>(json, "pad_token_id", c.image_token_index + 1, path));
  };
  b.lora_targets = {"q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj", "out_proj"};
  return b;
}

}  // namespace vlm2vec::models
