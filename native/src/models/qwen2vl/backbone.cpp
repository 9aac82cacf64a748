// Qwen2-VL (VLM2Vec-V2.0, VLM2Vec-Qwen2VL-2B/7B, GME): shared/docs/MODELS-qwen2vl.md.
#include "common/error.h"
#include "io/json_file.h"
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
  b.tensors = [](const std::string& directory) {
    const std::string path = directory + "/config.json";
    const auto json = io::read_json_file(path);
    const auto c = qwen2vl::qwen2vl_config_from_json(json, path);
    const auto& v = c.vision;
    check_argument(v.patch_size == 14 && v.temporal_patch_size == 2 && v.spatial_merge_size == 2 && v.mlp_ratio == 4 &&
                       v.in_channels == 3,
                   path + ": init-random writes Qwen2-VL's vision geometry only (patch 14, temporal 2, merge 2, mlp_ratio 4, "
                          "3 channels)");
    qwen2vl::TinyQwen2VlOptions o;
    o.vocab = c.decoder.vocab_size;
    o.hidden = c.decoder.hidden_size;
    o.layers = c.decoder.num_layers;
    o.heads = c.decoder.num_heads;
    o.kv_heads = c.decoder.num_kv_heads;
    o.intermediate = c.decoder.intermediate_size;
    o.vision_depth = v.depth;
    o.vision_embed = v.embed_dim;
    o.vision_heads = v.num_heads;
    o.tie_word_embeddings = io::optional<bool>(json, "tie_word_embeddings", true, path);
    return qwen2vl::qwen2vl_tensors(o);
  };
  b.write_tokenizer = [](const std::string& directory) {
    const std::string path = directory + "/config.json";
    const auto json = io::read_json_file(path);
    const auto c = qwen2vl::qwen2vl_config_from_json(json, path);
    qwen2vl::write_qwen2vl_tokenizer(directory, c.decoder.vocab_size, io::optional<int64_t>(json, "bos_token_id", 151643, path));
  };
  // Suffix matching of VLM2Vec's defaults finds the language model's projections only: the
  // vision tower's are attn.qkv, attn.proj, mlp.fc1, mlp.fc2 (MODELS-qwen2vl.md section 2).
  b.lora_targets = {"q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"};
  return b;
}

}  // namespace vlm2vec::models
