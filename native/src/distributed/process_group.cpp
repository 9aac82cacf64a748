#include "distributed/process_group.h"

#include <torch/version.h>
#if TORCH_VERSION_MAJOR >= 2
#include <torch/csrc/distributed/c10d/Backend.hpp>
#else
#include <torch/csrc/distributed/c10d/ProcessGroup.hpp>
#endif
#include <torch/csrc/distributed/c10d/PrefixStore.hpp>
#include <torch/csrc/distributed/c10d/TCPStore.hpp>
#ifdef VLM2VEC_WITH_GLOO
#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>
#endif
#ifdef VLM2VEC_WITH_NCCL
#include <torch/csrc/distributed/c10d/ProcessGroupNCCL.hpp>
#endif

#include <algorithm>
#include <cstdlib>
#include <sstream>
#include <thread>

#include "common/error.h"

namespace vlm2vec::distributed {
namespace {

// The class the backends derive from, whose collectives this file calls.
#if TORCH_VERSION_MAJOR >= 2
using Collectives = c10d::Backend;
#else
using Collectives = c10d::ProcessGroup;
#endif

Collectives& collectives(const c10::intrusive_ptr<torch::CustomClassHolder>& group) {
  return *static_cast<Collectives*>(group.get());
}

// How long a failed rank waits for its peers' failure marks before naming the ranks without one.
constexpr auto kMarkGrace = std::chrono::milliseconds(3000);

std::string first_line(const std::string& text) {
  const auto end = text.find('\n');
  return end == std::string::npos ? text : text.substr(0, end);
}

std::string seconds(std::chrono::milliseconds duration) {
  std::ostringstream out;
  out << duration.count() / 1000.0 << " s";
  return out.str();
}

std::string join_ranks(const std::vector<int>& ranks) {
  std::string text;
  for (size_t i = 0; i < ranks.size(); ++i) text += (i == 0 ? "" : ", ") + std::to_string(ranks[i]);
  return text;
}

}  // namespace

bool backend_available(const std::string& backend) {
#ifdef VLM2VEC_WITH_GLOO
  if (backend == "gloo") return true;
#endif
#ifdef VLM2VEC_WITH_NCCL
  if (backend == "nccl") return true;
#endif
  return false;
}

ProcessGroup::ProcessGroup(GroupOptions options) : options_(std::move(options)) {
  const int world = options_.world_size, rank = options_.rank;
  check_argument(world >= 1, "WORLD_SIZE must be >= 1, got " + std::to_string(world));
  check_argument(rank >= 0 && rank < world,
                 "RANK " + std::to_string(rank) + " is outside 0.." + std::to_string(world - 1) + " (WORLD_SIZE " +
                     std::to_string(world) + ")");
  check_argument(options_.master_port >= 1 && options_.master_port <= 65535,
                 "MASTER_PORT must be within 1..65535, got " + std::to_string(options_.master_port));
  check_argument(options_.timeout.count() > 0, "the distributed timeout must be positive");
  check_argument(!options_.master_addr.empty(), "MASTER_ADDR is empty: give the host of rank 0");
  if (!backend_available(options_.backend)) {
    if (options_.backend != "gloo" && options_.backend != "nccl") {
      throw Error(VLM2VEC_ERR_INVALID_ARGUMENT, "distributed backend '" + options_.backend + "' is not one of gloo, nccl");
    }
    throw Error(VLM2VEC_ERR_UNSUPPORTED,
                "this build of libvlm2vec has no " + options_.backend + " backend" +
                    (options_.backend == "nccl" ? " (it needs a CUDA libtorch and nccl.h at build time); use --dist-backend gloo"
                                                : " (libgloo headers were missing at build time: install libgloo-dev and rebuild)"));
  }

  c10d::TCPStoreOptions store_options;
  store_options.port = static_cast<uint16_t>(options_.master_port);
  store_options.isServer = rank == 0;
  store_options.numWorkers = world;
  store_options.waitWorkers = false;  // the join below waits, with a message that says who is missing
  store_options.timeout = options_.timeout;
  c10::intrusive_ptr<c10d::Store> tcp;
  try {
    tcp = c10::make_intrusive<c10d::TCPStore>(options_.master_addr, store_options);
  } catch (const std::exception& e) {
    throw Error(VLM2VEC_ERR_IO, rank == 0 ? "rank 0 cannot serve the rendezvous store on port " +
                                                std::to_string(options_.master_port) + " (" + first_line(e.what()) +
                                                "): is the port in use? choose another --master-port / MASTER_PORT"
                                          : "rank " + std::to_string(rank) + " cannot reach the rendezvous store at " +
                                                options_.master_addr + ":" + std::to_string(options_.master_port) +
                                                " within " + seconds(options_.timeout) + " (" + first_line(e.what()) +
                                                "): is rank 0 running there, and MASTER_ADDR / MASTER_PORT right?");
  }
  store_ = c10::make_intrusive<c10d::PrefixStore>(options_.name, tcp);

  // Join: count ourselves in, then wait (bounded) for the last rank's count.
  const int64_t joined = store_->add("joined", 1);
  if (joined > world) {
    throw Error(VLM2VEC_ERR_INVALID_ARGUMENT, "more than WORLD_SIZE " + std::to_string(world) +
                                                  " ranks joined the store at " + options_.master_addr + ":" +
                                                  std::to_string(options_.master_port) +
                                                  ": another job uses this MASTER_PORT, or WORLD_SIZE is wrong");
  }
  const auto deadline = std::chrono::steady_clock::now() + options_.timeout;
  int64_t present = joined;
  while ((present = store_->add("joined", 0)) < world) {
    if (std::chrono::steady_clock::now() > deadline) {
      throw Error(VLM2VEC_ERR_IO, "rendezvous at " + options_.master_addr + ":" + std::to_string(options_.master_port) +
                                      ": only " + std::to_string(present) + " of " + std::to_string(world) +
                                      " ranks joined within " + seconds(options_.timeout) +
                                      " (--dist-timeout); start every rank, with the same WORLD_SIZE");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }

  try {
#ifdef VLM2VEC_WITH_GLOO
    if (options_.backend == "gloo") {
      auto gloo = c10d::ProcessGroupGloo::Options::create(options_.timeout);
      const char* interface = std::getenv("GLOO_SOCKET_IFNAME");
      gloo->devices.push_back(interface != nullptr && *interface != '\0'
                                  ? c10d::ProcessGroupGloo::createDeviceForInterface(interface)
                                  : c10d::ProcessGroupGloo::createDefaultDevice());
      group_ = c10::make_intrusive<c10d::ProcessGroupGloo>(c10::make_intrusive<c10d::PrefixStore>("gloo", store_), rank,
                                                           world, gloo);
    }
#endif
#ifdef VLM2VEC_WITH_NCCL
    if (options_.backend == "nccl") {
      auto nccl = c10d::ProcessGroupNCCL::Options::create();
      nccl->timeout = options_.timeout;
      group_ = c10::make_intrusive<c10d::ProcessGroupNCCL>(c10::make_intrusive<c10d::PrefixStore>("nccl", store_), rank,
                                                           world, nccl);
    }
#endif
  } catch (const Error&) {
    throw;
  } catch (const std::exception& e) {
    throw Error(VLM2VEC_ERR_IO, "rank " + std::to_string(rank) + " could not connect to its peers (" + options_.backend +
                                    "): " + first_line(e.what()) +
                                    " (on several nodes, set GLOO_SOCKET_IFNAME to the interface the nodes share)");
  }
}

ProcessGroup::~ProcessGroup() = default;

std::string ProcessGroup::where() const {
  return "rank " + std::to_string(options_.rank) + " of " + std::to_string(options_.world_size) +
         (step_ >= 0 ? ", step " + std::to_string(step_) : "");
}

std::string ProcessGroup::diagnose(const std::string& what) {
  const int world = options_.world_size;
  try {
    store_->setTimeout(kMarkGrace);
    store_->set("failed/" + std::to_string(options_.rank), std::vector<uint8_t>(what.begin(), what.end()));
    std::vector<int> silent;
    const auto deadline = std::chrono::steady_clock::now() + kMarkGrace;
    do {
      silent.clear();
      for (int r = 0; r < world; ++r) {
        if (!store_->check({"failed/" + std::to_string(r)})) silent.push_back(r);
      }
      if (silent.empty()) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    } while (std::chrono::steady_clock::now() < deadline);
    if (silent.empty()) return "every rank failed here; see the first error in the workers' output";
    return std::string(silent.size() == 1 ? "rank " : "ranks ") + join_ranks(silent) +
           " stopped answering (died or hangs; see " + (silent.size() == 1 ? "its" : "their") + " output)";
  } catch (const std::exception&) {
    return "rank 0, which serves the rendezvous store at " + options_.master_addr + ":" +
           std::to_string(options_.master_port) + ", is gone (died, or its node is unreachable)";
  }
}

void ProcessGroup::run(const std::string& what, double& clock,
                       const std::function<c10::intrusive_ptr<c10d::Work>()>& start) {
  const auto begun = std::chrono::steady_clock::now();
  try {
    auto work = start();
    work->wait(options_.timeout);
  } catch (const std::exception& e) {
    const std::string cause = first_line(e.what());
    throw Error(VLM2VEC_ERR_IO, where() + ": " + what + " failed within --dist-timeout " + seconds(options_.timeout) +
                                    ": " + diagnose(what) + " [" + cause + "]");
  }
  clock += std::chrono::duration<double>(std::chrono::steady_clock::now() - begun).count();
}

torch::Tensor ProcessGroup::all_gather_rows(const torch::Tensor& local, const std::string& what,
                                            std::vector<int64_t>* rows_out) {
  check_argument(local.dim() >= 1, what + ": cannot gather a scalar");
  if (options_.world_size == 1) {
    if (rows_out != nullptr) *rows_out = {local.size(0)};
    return local.detach().clone();
  }
  // Row counts first: ranks may hold different numbers of rows (hard negatives, a shard's tail).
  auto count = torch::full({1}, local.size(0), torch::TensorOptions().dtype(torch::kInt64).device(local.device()));
  std::vector<torch::Tensor> counts_in{count};
  std::vector<std::vector<torch::Tensor>> counts_out(1);
  for (int r = 0; r < options_.world_size; ++r) counts_out[0].push_back(torch::empty_like(count));
  run(what + " (row counts)", gather_seconds_, [&] { return collectives(group_).allgather(counts_out, counts_in); });
  int64_t most = 0;
  std::vector<int64_t> rows;
  for (const auto& c : counts_out[0]) {
    rows.push_back(c.cpu().item<int64_t>());
    most = std::max(most, rows.back());
  }
  if (rows_out != nullptr) *rows_out = rows;
  auto sizes = local.sizes().vec();
  sizes[0] = most;
  int64_t row_width = 1;
  for (size_t d = 1; d < sizes.size(); ++d) row_width *= sizes[d];
  if (most == 0 || row_width == 0) {
    // Nothing to move (no hard negatives anywhere, or rows without columns: counts only).
    int64_t total = 0;
    for (const auto r : rows) total += r;
    sizes[0] = total;
    return torch::empty(sizes, local.options());
  }
  auto padded = torch::zeros(sizes, local.options());
  padded.narrow(0, 0, local.size(0)).copy_(local.detach());
  std::vector<torch::Tensor> in{padded};
  std::vector<std::vector<torch::Tensor>> out(1);
  for (int r = 0; r < options_.world_size; ++r) out[0].push_back(torch::empty_like(padded));
  run(what, gather_seconds_, [&] { return collectives(group_).allgather(out, in); });
  std::vector<torch::Tensor> parts;
  for (int r = 0; r < options_.world_size; ++r) parts.push_back(out[0][static_cast<size_t>(r)].narrow(0, 0, rows[static_cast<size_t>(r)]));
  return torch::cat(parts);
}

void ProcessGroup::all_reduce_sum(std::vector<torch::Tensor>& tensors, const std::string& what) {
  if (options_.world_size == 1 || tensors.empty()) return;
  for (auto& tensor : tensors) {
    std::vector<torch::Tensor> one{tensor};
    run(what, reduce_seconds_, [&] { return collectives(group_).allreduce(one); });
  }
}

void ProcessGroup::broadcast_from_rank0(torch::Tensor& tensor, const std::string& what) {
  if (options_.world_size == 1) return;
  std::vector<torch::Tensor> one{tensor};
  run(what, other_seconds_, [&] { return collectives(group_).broadcast(one); });
}

void ProcessGroup::barrier(const std::string& what) {
  if (options_.world_size == 1) return;
  run(what, other_seconds_, [&] { return collectives(group_).barrier(); });
}

int64_t ProcessGroup::max(int64_t value, const std::string& what) {
  if (options_.world_size == 1) return value;
  std::vector<torch::Tensor> one{
      torch::full({1}, value, torch::TensorOptions().dtype(torch::kInt64).device(options_.device))};
  c10d::AllreduceOptions reduce;
  reduce.reduceOp = c10d::ReduceOp::MAX;
  run(what, other_seconds_, [&] { return collectives(group_).allreduce(one, reduce); });
  return one[0].cpu().item<int64_t>();
}

}  // namespace vlm2vec::distributed
