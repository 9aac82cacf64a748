// Training benchmarks on the CPU, each measurement in a forked child so its peak resident
// memory (ru_maxrss, reported by wait4) is its own:
//   infonce   fused InfoNCE (the CPU twin: strips, one pass) vs the unfused libtorch
//             formulation (matmul, log_softmax, nll, autograd backward) at B x D; time ratio
//             and peak RSS (inputs included in both).
//   gradcache one training step of a small Phi-3.5-V-shaped model (LM 256 x 4 layers, text of
//             48 tokens, DoRA r 8): batch 256 with GradCache chunk 8, batch 256 plain, batch 8 plain.
//   dataparallel one step of the same model at one global batch (64, GradCache chunk 8): 1 rank x
//             2 threads vs 2 ranks x 1 thread (processes, gloo over loopback), with the time each
//             rank spends in all-gathers and all-reduces per step.
//   cuda-gradcache (a check, for gpu-check.sh): on a CUDA device, a DoRA model with dropout; the
//             GradCache step's parameter gradients must equal the plain step's (CUDA RNG replay).
// Usage: vlm2vec_train_bench [infonce|gradcache|dataparallel|all|cuda-gradcache] [--sizes 1024x1024,...]
#include <sys/resource.h>
#include <sys/wait.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <torch/torch.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <functional>
#include <sstream>
#include <string>
#include <vector>

#include "distributed/process_group.h"
#include "io/file_system.h"
#include "models/model_loader.h"
#include "models/phi3v/tiny_phi3v.h"
#include "models/llava_next/tiny_llava_next.h"
#include "ops/fused_infonce.h"
#include "training/trainer.h"

namespace {

struct Measurement {
  double seconds = 0.0;
  double peak_mib = 0.0;
  bool ok = false;
};

// Runs body in a child process; the child reports its time through a pipe. The parent never
// runs libtorch ops itself, so each child starts with a fresh OpenMP thread pool.
Measurement in_child(const std::function<double()>& body) {
  int fds[2];
  if (pipe(fds) != 0) return {};
  const pid_t pid = fork();
  if (pid == 0) {
    close(fds[0]);
    const double seconds = body();
    (void)!write(fds[1], &seconds, sizeof seconds);
    _exit(0);
  }
  close(fds[1]);
  Measurement m;
  const bool got = read(fds[0], &m.seconds, sizeof m.seconds) == sizeof m.seconds;
  close(fds[0]);
  int status = 0;
  struct rusage usage {};
  wait4(pid, &status, 0, &usage);
  m.peak_mib = usage.ru_maxrss / 1024.0;
  m.ok = got && WIFEXITED(status) && WEXITSTATUS(status) == 0;
  return m;
}

double timed(const std::function<void()>& fn, int repeats) {
  fn();  // warm-up
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < repeats; ++i) fn();
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() / repeats;
}

void bench_infonce(const std::vector<std::pair<int64_t, int64_t>>& sizes) {
  std::printf("| B | D | fused s | unfused s | unfused/fused time | fused peak MiB | unfused peak MiB |\n");
  std::printf("|---:|---:|---:|---:|---:|---:|---:|\n");
  for (const auto& [batch, dim] : sizes) {
    auto inputs = [batch = batch, dim = dim] {
      torch::manual_seed(1);
      namespace F = torch::nn::functional;
      return std::make_pair(F::normalize(torch::randn({batch, dim}), F::NormalizeFuncOptions().dim(1)),
                            F::normalize(torch::randn({batch, dim}), F::NormalizeFuncOptions().dim(1)));
    };
    const int repeats = batch >= 8192 ? 1 : 3;
    const auto fused = in_child([&] {
      const auto [q, t] = inputs();
      return timed([&] { vlm2vec::ops::infonce_forward_backward(q, t, 0.02); }, repeats);
    });
    const auto unfused = in_child([&] {
      const auto [q0, t0] = inputs();
      return timed([&] {
        auto q = q0.clone().requires_grad_(true), t = t0.clone().requires_grad_(true);
        const auto logits = q.matmul(t.t()) / 0.02;
        const auto loss = torch::nn::functional::nll_loss(torch::log_softmax(logits, 1), torch::arange(batch));
        loss.backward();
      }, repeats);
    });
    std::printf("| %lld | %lld | %.3f | %.3f | %.2fx | %.0f | %.0f |\n", static_cast<long long>(batch),
                static_cast<long long>(dim), fused.seconds, unfused.seconds, unfused.seconds / fused.seconds,
                fused.peak_mib, unfused.peak_mib);
    std::fflush(stdout);
  }
}

vlm2vec::models::EncodeBatch text_batch(int64_t rows, int64_t seq, uint64_t seed) {
  torch::manual_seed(seed);
  vlm2vec::models::EncodeBatch batch;
  batch.input_ids = torch::randint(1, 500, {rows, seq}, torch::kLong);
  batch.attention_mask = torch::ones({rows, seq}, torch::kLong);
  return batch;
}

std::vector<vlm2vec::models::EncodeBatch> chunked(const vlm2vec::models::EncodeBatch& batch, int64_t chunk) {
  std::vector<vlm2vec::models::EncodeBatch> chunks;
  for (int64_t first = 0; first < batch.input_ids.size(0); first += chunk) {
    const int64_t rows = std::min(chunk, batch.input_ids.size(0) - first);
    chunks.push_back({batch.input_ids.narrow(0, first, rows), batch.attention_mask.narrow(0, first, rows), {}, {}});
  }
  return chunks;
}

void bench_grad_cache() {
  const auto directory = std::filesystem::temp_directory_path() / "vlm2vec-train-bench-model";
  vlm2vec::models::TinyPhi3VOptions o;
  o.hidden = 256, o.layers = 4, o.heads = 4, o.kv_heads = 4, o.intermediate = 768;
  // Written in a child too: libtorch's OpenMP pool does not survive fork() once the parent used it.
  in_child([&] {
    vlm2vec::models::write_tiny_phi3v(directory.string(), o);
    return 0.0;
  });
  const int64_t seq = 48;
  struct Case {
    const char* name;
    int64_t batch, chunk;
    bool grad_cache;
  };
  std::printf("| run | batch | chunk | step s | peak MiB |\n|---|---:|---:|---:|---:|\n");
  std::vector<Measurement> results;
  for (const Case c : {Case{"GradCache", 256, 8, true}, Case{"plain", 256, 256, false}, Case{"plain", 8, 8, false}}) {
    const auto m = in_child([&] {
      auto model = vlm2vec::models::load_model(directory.string(), torch::kFloat32, torch::kCPU);
      vlm2vec::training::TrainerOptions options;
      options.learning_rate = 1e-4;
      options.total_steps = 10;
      options.grad_cache = c.grad_cache;
      options.adapter = {vlm2vec::models::LoraSettings{8, 16.0, 0.1, true}, {}};
      vlm2vec::training::Trainer trainer(*model, options);
      vlm2vec::training::ContrastiveChunks batch;
      batch.queries = chunked(text_batch(c.batch, seq, 1), c.chunk);
      batch.targets = chunked(text_batch(c.batch, seq, 2), c.chunk);
      return timed([&] { trainer.step(batch); }, 2);
    });
    results.push_back(m);
    std::printf("| %s | %lld | %lld | %.3f | %.0f |\n", c.name, static_cast<long long>(c.batch),
                static_cast<long long>(c.chunk), m.seconds, m.peak_mib);
    std::fflush(stdout);
  }
  std::printf("\nGradCache 256/8 vs plain 8: peak %.2fx; vs plain 256: step time %.2fx, peak %.2fx\n",
              results[0].peak_mib / results[2].peak_mib, results[0].seconds / results[1].seconds,
              results[0].peak_mib / results[1].peak_mib);
  vlm2vec::io::remove_tree(directory.string());
}

// Runs body(rank) in count children at once; each reports three numbers through its pipe.
std::vector<std::array<double, 3>> in_children(int count, const std::function<std::array<double, 3>(int)>& body) {
  std::vector<int> reads;
  std::vector<pid_t> pids;
  for (int rank = 0; rank < count; ++rank) {
    int fds[2];
    if (pipe(fds) != 0) return {};
    const pid_t pid = fork();
    if (pid == 0) {
      close(fds[0]);
      const auto numbers = body(rank);
      (void)!write(fds[1], numbers.data(), sizeof numbers);
      _exit(0);
    }
    close(fds[1]);
    reads.push_back(fds[0]);
    pids.push_back(pid);
  }
  std::vector<std::array<double, 3>> results(static_cast<size_t>(count));
  for (int rank = 0; rank < count; ++rank) {
    if (read(reads[rank], results[rank].data(), sizeof results[rank]) != sizeof results[rank]) results[rank] = {-1, -1, -1};
    close(reads[rank]);
    int status = 0;
    waitpid(pids[rank], &status, 0);
  }
  return results;
}

int free_port() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  (void)!bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address);
  socklen_t length = sizeof address;
  getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  close(fd);
  return ntohs(address.sin_port);
}

void bench_data_parallel() {
  const auto directory = std::filesystem::temp_directory_path() / "vlm2vec-dp-bench-model";
  vlm2vec::models::TinyPhi3VOptions o;
  o.hidden = 256, o.layers = 4, o.heads = 4, o.kv_heads = 4, o.intermediate = 768;
  in_child([&] {
    vlm2vec::models::write_tiny_phi3v(directory.string(), o);
    return 0.0;
  });
  constexpr int64_t kGlobal = 64, kChunk = 8, kSeq = 48;
  constexpr int kSteps = 3;
  // {step s, gather s per step, reduce s per step} of one rank holding rows [first, first + rows).
  const auto rank_run = [&](int rank, int world, int threads, int port) -> std::array<double, 3> {
    at::set_num_threads(threads);
    auto model = vlm2vec::models::load_model(directory.string(), torch::kFloat32, torch::kCPU);
    vlm2vec::training::TrainerOptions options;
    options.learning_rate = 1e-4;
    options.total_steps = kSteps + 1;
    options.adapter = {vlm2vec::models::LoraSettings{8, 16.0, 0.0, true}, {}};
    vlm2vec::training::Trainer trainer(*model, options);
    std::shared_ptr<vlm2vec::distributed::ProcessGroup> group;
    if (world > 1) {
      vlm2vec::distributed::GroupOptions g;
      g.rank = rank, g.world_size = world, g.master_port = port, g.name = "bench";
      group = std::make_shared<vlm2vec::distributed::ProcessGroup>(g);
      trainer.attach_group(group);
    }
    const int64_t rows = kGlobal / world;
    const auto queries = text_batch(kGlobal, kSeq, 1), targets = text_batch(kGlobal, kSeq, 2);
    vlm2vec::training::ContrastiveChunks batch;
    const auto slice = [&](const vlm2vec::models::EncodeBatch& all) {
      return vlm2vec::models::EncodeBatch{all.input_ids.narrow(0, rank * rows, rows),
                                          all.attention_mask.narrow(0, rank * rows, rows), {}, {}};
    };
    batch.queries = chunked(slice(queries), kChunk);
    batch.targets = chunked(slice(targets), kChunk);
    trainer.step(batch);  // warm-up
    const double gather0 = group ? group->gather_seconds() : 0.0, reduce0 = group ? group->reduce_seconds() : 0.0;
    const auto start = std::chrono::steady_clock::now();
    for (int i = 0; i < kSteps; ++i) trainer.step(batch);
    const double step = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() / kSteps;
    return {step, group ? (group->gather_seconds() - gather0) / kSteps : 0.0,
            group ? (group->reduce_seconds() - reduce0) / kSteps : 0.0};
  };
  const auto one = in_children(1, [&](int rank) { return rank_run(rank, 1, 2, 0); });
  const auto single_thread = in_children(1, [&](int rank) { return rank_run(rank, 1, 1, 0); });
  const int port = free_port();
  const auto two = in_children(2, [&](int rank) { return rank_run(rank, 2, 1, port); });
  std::printf("| layout | global batch | chunk | step s | all-gather s/step | all-reduce s/step | collectives share |\n");
  std::printf("|---|---:|---:|---:|---:|---:|---:|\n");
  std::printf("| 1 rank x 2 threads | %lld | %lld | %.3f | - | - | - |\n", static_cast<long long>(kGlobal),
              static_cast<long long>(kChunk), one[0][0]);
  std::printf("| 1 rank x 1 thread | %lld | %lld | %.3f | - | - | - |\n", static_cast<long long>(kGlobal),
              static_cast<long long>(kChunk), single_thread[0][0]);
  for (int rank = 0; rank < 2; ++rank) {
    std::printf("| 2 ranks x 1 thread (rank %d) | %lld | %lld | %.3f | %.4f | %.4f | %.1f%% |\n", rank,
                static_cast<long long>(kGlobal), static_cast<long long>(kChunk), two[rank][0], two[rank][1], two[rank][2],
                100.0 * (two[rank][1] + two[rank][2]) / two[rank][0]);
  }
  std::printf("\n2 ranks x 1 thread vs 1 rank x 2 threads: step time %.2fx (vs 1 rank x 1 thread: %.2fx)\n",
              two[0][0] / one[0][0], two[0][0] / single_thread[0][0]);
  vlm2vec::io::remove_tree(directory.string());
}

// Returns the process exit status: 0 when the gradients agree within 1e-4 (relative to the largest).
int check_cuda_grad_cache() {
  if (!torch::cuda::is_available()) {
    std::printf("cuda-gradcache: no CUDA device, skipped\n");
    return 0;
  }
  const auto directory = std::filesystem::temp_directory_path() / "vlm2vec-cuda-gradcache-model";
  vlm2vec::models::write_tiny_phi3v(directory.string(), vlm2vec::models::TinyPhi3VOptions{});
  auto model = vlm2vec::models::load_model(directory.string(), torch::kFloat32, torch::Device("cuda"));
  const auto layers = vlm2vec::training::attach_adapters(
      *model, {vlm2vec::models::LoraSettings{4, 8.0, 0.1, true}, vlm2vec::training::default_targets("phi3_v")});
  {
    torch::NoGradGuard no_grad;
    for (const auto& layer : layers) layer->adapter()->lora_b().normal_(0.0, 0.05);
  }
  const auto parameters = vlm2vec::training::adapter_parameters(layers);
  dynamic_cast<torch::nn::Module&>(*model).train(true);
  vlm2vec::training::ContrastiveChunks batch;
  batch.queries = chunked(text_batch(8, 12, 1), 2);
  batch.targets = chunked(text_batch(8, 12, 2), 3);
  auto gradients = [&](bool grad_cache) {
    for (auto p : parameters) p.mutable_grad() = torch::Tensor();
    torch::manual_seed(5);
    torch::cuda::manual_seed_all(5);
    vlm2vec::training::contrastive_backward(*model, batch, 0.05, grad_cache);
    std::vector<torch::Tensor> grads;
    for (const auto& p : parameters) grads.push_back(p.grad().defined() ? p.grad().clone() : torch::zeros_like(p));
    return grads;
  };
  const auto plain = gradients(false), cached = gradients(true);
  double worst = 0.0, largest = 0.0;
  for (size_t i = 0; i < plain.size(); ++i) {
    worst = std::max(worst, (plain[i] - cached[i]).abs().max().item<double>());
    largest = std::max(largest, plain[i].abs().max().item<double>());
  }
  const double relative = worst / std::max(largest, 1e-30);
  std::printf("cuda-gradcache: DoRA dropout 0.1 on %s, GradCache vs plain max relative gradient error %.3g: %s\n",
              torch::cuda::device_count() > 0 ? "cuda:0" : "?", relative, relative < 1e-4 && largest > 0 ? "PASS" : "FAIL");
  vlm2vec::io::remove_tree(directory.string());
  return relative < 1e-4 && largest > 0 ? 0 : 1;
}

std::vector<std::pair<int64_t, int64_t>> parse_sizes(const std::string& text) {
  std::vector<std::pair<int64_t, int64_t>> sizes;
  std::stringstream stream(text);
  std::string item;
  while (std::getline(stream, item, ',')) {
    const auto x = item.find('x');
    sizes.emplace_back(std::stoll(item.substr(0, x)), std::stoll(item.substr(x + 1)));
  }
  return sizes;
}

}  // namespace

int main(int argc, char** argv) {
  std::string what = argc > 1 ? argv[1] : "all";
  if (what == "cuda-gradcache") return check_cuda_grad_cache();
  std::string sizes = "1024x1024,1024x3072,4096x1024,4096x3072,16384x1024,16384x3072";
  for (int i = 2; i + 1 < argc; ++i) {
    if (std::strcmp(argv[i], "--sizes") == 0) sizes = argv[i + 1];
  }
  std::printf("CPU, %d threads\n\n", at::get_num_threads());
  if (what == "infonce" || what == "all") bench_infonce(parse_sizes(sizes));
  if (what == "gradcache" || what == "all") {
    std::printf("\n");
    bench_grad_cache();
  }
  if (what == "dataparallel" || what == "all") {
    std::printf("\n");
    bench_data_parallel();
  }
  return 0;
}
