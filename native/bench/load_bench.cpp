// Loading a real-size checkpoint (one `vlm2vec init-random --preset ...` writes) and the latency
// of its first and steady embeddings on this machine:
//
//   vlm2vec_load_bench --model DIR [--dtype bf16|fp32] [--threads N] [--reps 3] [--json FILE] [--skip-image] [--cold]
//
// Reports the weight bytes in the files, how much of them was in the page cache before loading
// (mincore: 0% is a cold load, 100% a warm one; --cold evicts the files first with
// posix_fadvise(DONTNEED), which needs no root), load seconds, RSS after the
// load and at the end (VmHWM, the peak) against the weight bytes, then per query kind (a
// 20-token text; an MMEB-style image query: Phi-3.5-V 4 crops = 757 image tokens, LLaVA-NeXT a
// 672 x 672 image = 2928, Qwen2-VL 672 x 672 = 576) the first call and the median of --reps more.
#include <fcntl.h>
#include <sched.h>
#include <nlohmann/json.hpp>
#include <sys/mman.h>
#include <sys/stat.h>
#include <torch/torch.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "io/json_file.h"
#include "models/llava_next/anyres.h"
#include "models/model_loader.h"
#include "models/phi3v/phi3v_image_embedding.h"

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

// kB from /proc/self/status, e.g. "VmRSS" or "VmHWM".
int64_t status_kb(const std::string& key) {
  std::ifstream status("/proc/self/status");
  for (std::string line; std::getline(status, line);) {
    if (line.rfind(key + ":", 0) == 0) return std::atoll(line.c_str() + key.size() + 1);
  }
  return -1;
}

struct Weights {
  uint64_t bytes = 0;     // of the safetensors files
  uint64_t resident = 0;  // of those bytes, in the page cache now
};

Weights weight_files(const fs::path& directory, bool evict) {
  Weights w;
  const uint64_t page = static_cast<uint64_t>(sysconf(_SC_PAGESIZE));
  for (const auto& entry : fs::directory_iterator(directory)) {
    if (entry.path().extension() != ".safetensors") continue;
    const uint64_t size = fs::file_size(entry.path());
    w.bytes += size;
    const int fd = open(entry.path().c_str(), O_RDONLY);
    if (fd < 0) continue;
    if (evict) posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
    void* map = mmap(nullptr, size, PROT_READ, MAP_SHARED, fd, 0);
    if (map != MAP_FAILED) {
      std::vector<unsigned char> pages((size + page - 1) / page);
      if (mincore(map, size, pages.data()) == 0) {
        for (const unsigned char p : pages) w.resident += (p & 1) ? page : 0;
      }
      munmap(map, size);
    }
    close(fd);
  }
  w.resident = std::min(w.resident, w.bytes);
  return w;
}

struct Query {
  std::string name;
  vlm2vec::models::EncodeBatch batch;
  int64_t tokens = 0;
};

// A 20-token text query and the image query of the architecture.
std::vector<Query> queries(const fs::path& directory, const std::string& architecture, bool with_image) {
  const auto config = vlm2vec::io::read_json_file((directory / "config.json").string());
  const bool bos = architecture != "qwen2_vl";
  std::vector<Query> result;
  {
    Query text{"text (20 tokens)", {}, 20};
    text.batch.input_ids = torch::randint(3, 400, {1, 20}, torch::kLong);
    if (bos) text.batch.input_ids.select(1, 0).fill_(1);
    text.batch.attention_mask = torch::ones({1, 20}, torch::kLong);
    text.batch.left_padded = !bos;
    result.push_back(std::move(text));
  }
  if (!with_image) return result;
  Query image;
  auto& b = image.batch;
  int64_t image_tokens = 0, placeholder = 0;
  if (architecture == "phi3_v") {
    image_tokens = vlm2vec::models::Phi3VImageEmbedding::token_count(2, 2, 12);  // 4 crops of a square image
    placeholder = -1;
    b.pixel_values = torch::randn({1, 5, 3, 336, 336});
    b.image_sizes = torch::tensor({672L, 672L}, torch::kLong).reshape({1, 2});
    image.name = "image, 4 crops";
  } else if (architecture == "llava_next") {
    std::vector<vlm2vec::models::Resolution> pinpoints;
    for (const auto& p : config.at("image_grid_pinpoints")) pinpoints.push_back({p[0].get<int64_t>(), p[1].get<int64_t>()});
    const auto layout = vlm2vec::models::anyres_layout(672, 672, pinpoints, 336, 24);
    image_tokens = layout.token_count(24);
    placeholder = config.value("image_token_index", 32000);
    b.pixel_values = torch::randn({1, layout.num_patches(), 3, 336, 336});
    b.image_sizes = torch::tensor({672L, 672L}, torch::kLong).reshape({1, 2});
    image.name = "image 672x672, anyres";
  } else {
    constexpr int64_t grid = 48;  // 672 px / 14
    image_tokens = grid * grid / 4;
    placeholder = config.value("image_token_id", 151655);
    b.pixel_values = torch::randn({grid * grid, 1176});
    b.image_grid_thw = torch::tensor({1L, grid, grid}, torch::kLong).reshape({1, 3});
    b.image_sizes = torch::tensor({672L, 672L}, torch::kLong).reshape({1, 2});
    b.left_padded = true;
    image.name = "image 672x672";
  }
  const int64_t text_tokens = 20, length = (bos ? 1 : 0) + image_tokens + text_tokens;
  b.input_ids = torch::randint(3, 400, {1, length}, torch::kLong);
  if (bos) b.input_ids.select(1, 0).fill_(1);
  b.input_ids.narrow(1, bos ? 1 : 0, image_tokens).fill_(placeholder);
  b.attention_mask = torch::ones({1, length}, torch::kLong);
  image.tokens = length;
  result.push_back(std::move(image));
  return result;
}

}  // namespace

int main(int argc, char** argv) {
  // Every CPU this process may use, as the library sets it (ThreadCount); --threads overrides.
  cpu_set_t cpus;
  if (sched_getaffinity(0, sizeof(cpus), &cpus) == 0) at::set_num_threads(CPU_COUNT(&cpus));
  std::string model, dtype_name = "bf16", json_path;
  int reps = 3;
  bool with_image = true, cold = false;
  for (int i = 1; i < argc; ++i) {
    const std::string flag = argv[i];
    const bool has_value = i + 1 < argc;
    if (flag == "--model" && has_value) model = argv[++i];
    else if (flag == "--dtype" && has_value) dtype_name = argv[++i];
    else if (flag == "--threads" && has_value) at::set_num_threads(std::atoi(argv[++i]));
    else if (flag == "--reps" && has_value) reps = std::max(1, std::atoi(argv[++i]));
    else if (flag == "--json" && has_value) json_path = argv[++i];
    else if (flag == "--skip-image") with_image = false;
    else if (flag == "--cold") cold = true;
    else {
      std::fprintf(stderr, "usage: vlm2vec_load_bench --model DIR [--dtype bf16|fp32] [--threads N] [--reps N] [--json FILE]"
                           " [--skip-image] [--cold]\n(unknown or incomplete flag %s)\n", flag.c_str());
      return 2;
    }
  }
  if (model.empty() || !fs::is_directory(model)) {
    std::fprintf(stderr, "vlm2vec_load_bench: --model DIR must name a model directory (vlm2vec init-random writes one)\n");
    return 2;
  }
  const auto dtype = dtype_name == "fp32" ? torch::kFloat32 : torch::kBFloat16;
  torch::NoGradGuard no_grad;
  torch::manual_seed(0);
  const auto weights = weight_files(model, cold);
  const int64_t rss_before = status_kb("VmRSS");
  auto start = Clock::now();
  const auto loaded = vlm2vec::models::load_model(model, dtype, torch::kCPU);
  const double load_seconds = seconds_since(start);
  const int64_t rss_loaded = status_kb("VmRSS");
  const std::string architecture = loaded->info().architecture;
  const double gb = 1e9;
  std::printf("%s, %s compute, %d threads: %.2f GB of weights, %.0f%% in the page cache before loading\n", architecture.c_str(),
              dtype_name.c_str(), at::get_num_threads(), weights.bytes / gb, 100.0 * weights.resident / std::max<uint64_t>(1, weights.bytes));
  std::printf("load %.2f s; RSS %.2f GB after loading (%.2fx the weight bytes)\n", load_seconds, rss_loaded * 1024.0 / gb,
              rss_loaded * 1024.0 / weights.bytes);
  nlohmann::ordered_json report = {{"model", model},
                                   {"architecture", architecture},
                                   {"dtype", dtype_name},
                                   {"threads", at::get_num_threads()},
                                   {"parameters", loaded->info().parameter_count},
                                   {"weight_bytes", weights.bytes},
                                   {"page_cache_fraction_before_load", static_cast<double>(weights.resident) / std::max<uint64_t>(1, weights.bytes)},
                                   {"load_seconds", load_seconds},
                                   {"rss_bytes_before_load", rss_before * 1024},
                                   {"rss_bytes_after_load", rss_loaded * 1024}};
  std::printf("| query | tokens | first s | steady s (median of %d) |\n|---|---:|---:|---:|\n", reps);
  nlohmann::ordered_json rows = nlohmann::ordered_json::array();
  for (auto& query : queries(model, architecture, with_image)) {
    start = Clock::now();
    loaded->encode(query.batch, true);
    const double first = seconds_since(start);
    std::vector<double> times;
    for (int r = 0; r < reps; ++r) {
      start = Clock::now();
      loaded->encode(query.batch, true);
      times.push_back(seconds_since(start));
    }
    std::sort(times.begin(), times.end());
    const double median = times[times.size() / 2];
    std::printf("| %s | %ld | %.3f | %.3f |\n", query.name.c_str(), static_cast<long>(query.tokens), first, median);
    std::fflush(stdout);
    rows.push_back({{"query", query.name}, {"tokens", query.tokens}, {"first_seconds", first}, {"steady_seconds", median}});
  }
  const int64_t peak = status_kb("VmHWM");
  std::printf("peak RSS %.2f GB = %.2fx the weight bytes\n", peak * 1024.0 / gb, peak * 1024.0 / weights.bytes);
  report["queries"] = rows;
  report["peak_rss_bytes"] = peak * 1024;
  report["peak_rss_over_weight_bytes"] = peak * 1024.0 / weights.bytes;
  if (!json_path.empty()) std::ofstream(json_path) << report.dump(2) << "\n";
  return 0;
}
