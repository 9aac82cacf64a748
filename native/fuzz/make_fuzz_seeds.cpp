// Writes the seed corpora of the fuzz targets (scripts/fuzz.sh runs it): valid inputs the
// mutators start from, generated rather than committed, so they follow the writers' format.
//   vlm2vec_make_fuzz_seeds OUT   ->  OUT/safetensors/*, OUT/model_config/*, OUT/tokenizer/*
#include <cstdio>
#include <filesystem>
#include <map>
#include <string>

#include "io/safetensors.h"
#include "narrow_models.h"

namespace fs = std::filesystem;

namespace {

void write_safetensors_seeds(const fs::path& out) {
  using vlm2vec::io::write_safetensors;
  const auto ramp = [](int64_t n) { return torch::arange(n, torch::kFloat32); };
  write_safetensors((out / "one_f32.safetensors").string(), {{"weight", ramp(6).reshape({2, 3})}});
  write_safetensors((out / "every_dtype.safetensors").string(),
                    {{"f64", ramp(3).to(torch::kFloat64)},
                     {"f16", ramp(4).to(torch::kFloat16).reshape({2, 2})},
                     {"bf16", ramp(5).to(torch::kBFloat16)},
                     {"i64", ramp(2).to(torch::kInt64)},
                     {"i32", ramp(3).to(torch::kInt32)},
                     {"i16", ramp(3).to(torch::kInt16)},
                     {"i8", ramp(7).to(torch::kInt8)},
                     {"u8", ramp(9).to(torch::kUInt8).reshape({3, 3})},
                     {"bool", ramp(3).to(torch::kBool)}},
                    {{"format", "pt"}});
  write_safetensors((out / "scalar_and_empty.safetensors").string(),
                    {{"scalar", torch::tensor(1.5f)}, {"empty", torch::zeros({0, 4})}, {"row", ramp(4)}});
  write_safetensors((out / "odd_sizes.safetensors").string(),
                    {{"a", ramp(3).to(torch::kUInt8)}, {"b", ramp(5).to(torch::kFloat16)}, {"c", ramp(3)}});
}

void copy_seed(const fs::path& from, const fs::path& to) {
  fs::copy_file(from, to, fs::copy_options::overwrite_existing);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s OUT_DIR\n", argv[0]);
    return 2;
  }
  const fs::path out(argv[1]);
  try {
    for (const char* corpus : {"safetensors", "model_config", "tokenizer"}) fs::create_directories(out / corpus);
    write_safetensors_seeds(out / "safetensors");
    const fs::path models = out / "models";
    vlm2vec::fuzz::write_narrow_phi3v((models / "phi3v").string());
    vlm2vec::fuzz::write_narrow_llava_next((models / "llava_next").string());
    for (const char* model : {"phi3v", "llava_next"}) {
      const fs::path directory = models / model;
      copy_seed(directory / "model.safetensors", out / "safetensors" / (std::string(model) + ".safetensors"));
      copy_seed(directory / "config.json", out / "model_config" / (std::string(model) + ".json"));
      copy_seed(directory / "tokenizer.json", out / "tokenizer" / (std::string(model) + ".json"));
    }
    fs::remove_all(models);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "cannot write the seed corpora under %s: %s\n", argv[1], e.what());
    return 1;
  }
  return 0;
}
