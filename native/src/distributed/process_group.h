// A data-parallel process group: one rank per process, rendezvous through c10d's TCPStore
// (served by rank 0 at MASTER_ADDR:MASTER_PORT), collectives by c10d's ProcessGroupGloo (CPU)
// or ProcessGroupNCCL (CUDA, when this library was built with it). Nothing here opens a socket
// of its own or implements a collective.
//
// Every collective waits at most the group's timeout. When one fails (a peer died, hangs, or
// failed itself), this rank leaves a mark in the store, gives its peers a moment to leave
// theirs, and reports the ranks that left none: those died or hang. A rank 0 that is gone takes
// the store with it, which is reported as such.
#pragma once

#include <torch/torch.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace c10d {
class Store;
class Work;
}  // namespace c10d

namespace vlm2vec::distributed {

struct GroupOptions {
  int rank = 0;
  int world_size = 1;
  std::string master_addr = "127.0.0.1";
  int master_port = 29500;
  std::string backend = "gloo";  // gloo | nccl
  std::chrono::milliseconds timeout{std::chrono::minutes(5)};
  torch::Device device{torch::kCPU};  // where the group's own small tensors live (NCCL: this rank's GPU)
  std::string name = "vlm2vec";  // store key prefix: groups of one job with different names do not meet
};

// Whether this build carries the backend (gloo: libgloo headers found; nccl: CUDA libtorch + nccl.h).
bool backend_available(const std::string& backend);

class ProcessGroup {
 public:
  // Joins the group: blocks until all world_size ranks have joined or the timeout passes.
  explicit ProcessGroup(GroupOptions options);
  ~ProcessGroup();
  ProcessGroup(const ProcessGroup&) = delete;
  ProcessGroup& operator=(const ProcessGroup&) = delete;

  int rank() const { return options_.rank; }
  int world_size() const { return options_.world_size; }
  const GroupOptions& options() const { return options_; }

  // The ranks' [rows_r, ...] tensors concatenated in rank order (rows may differ per rank;
  // trailing sizes and dtype must agree). The result is not differentiable. rows, when given,
  // receives each rank's row count.
  torch::Tensor all_gather_rows(const torch::Tensor& local, const std::string& what,
                                std::vector<int64_t>* rows = nullptr);
  // Each tensor replaced by its sum over the ranks, in place.
  void all_reduce_sum(std::vector<torch::Tensor>& tensors, const std::string& what);
  // tensor (same shape on every rank) replaced by rank 0's, in place.
  void broadcast_from_rank0(torch::Tensor& tensor, const std::string& what);
  void barrier(const std::string& what);
  // The largest of the ranks' values.
  int64_t max(int64_t value, const std::string& what);

  // The step the messages of a failure name (set by the trainer before each step).
  void set_step(int64_t step) { step_ = step; }
  // Seconds spent waiting in collectives since the group was made (communication plus waiting
  // for slower ranks), in all and by kind.
  double communication_seconds() const { return gather_seconds_ + reduce_seconds_ + other_seconds_; }
  double gather_seconds() const { return gather_seconds_; }
  double reduce_seconds() const { return reduce_seconds_; }

 private:
  void run(const std::string& what, double& clock, const std::function<c10::intrusive_ptr<c10d::Work>()>& start);
  std::string diagnose(const std::string& what);
  std::string where() const;

  GroupOptions options_;
  c10::intrusive_ptr<c10d::Store> store_;
  // ProcessGroupGloo / ProcessGroupNCCL: a c10d::ProcessGroup in libtorch 1.x, a c10d::Backend in 2.x
  // (process_group.cpp casts to the right one); both are CustomClassHolders.
  c10::intrusive_ptr<torch::CustomClassHolder> group_;
  int64_t step_ = -1;
  double gather_seconds_ = 0.0, reduce_seconds_ = 0.0, other_seconds_ = 0.0;
};

}  // namespace vlm2vec::distributed
