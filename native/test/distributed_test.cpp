// Data parallelism on c10d (TCPStore + ProcessGroupGloo over loopback), ranks as threads of
// this process: the collectives, the failure messages, and the trainer's equality with one
// process on the global batch (MODELS.md section 1: gathered representations, summed gradients).
#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <torch/torch.h>

#include <exception>
#include <functional>
#include <memory>
#include <thread>

#include "common/error.h"
#include "distributed/process_group.h"
#include "models/model_loader.h"
#include "support/text_batches.h"
#include "support/tiny_model.h"
#include "training/trainer.h"

namespace {

using vlm2vec::distributed::GroupOptions;
using vlm2vec::distributed::ProcessGroup;
using vlm2vec::models::EncodeBatch;
using vlm2vec::testing::random_text_batch;
using vlm2vec::training::ContrastiveChunks;

// A port nobody listens on now (the kernel's pick for an ephemeral bind).
int free_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;
  ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address));
  socklen_t length = sizeof(address);
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  ::close(fd);
  return ntohs(address.sin_port);
}

GroupOptions options_for(int rank, int world, int port, std::chrono::milliseconds timeout = std::chrono::seconds(30)) {
  GroupOptions options;
  options.rank = rank;
  options.world_size = world;
  options.master_port = port;
  options.timeout = timeout;
  options.name = "test";
  return options;
}

// Runs body(rank) on world threads; rethrows the first exception after all have finished.
void on_ranks(int world, const std::function<void(int)>& body) {
  std::vector<std::exception_ptr> failures(static_cast<size_t>(world));
  std::vector<std::thread> threads;
  for (int rank = 0; rank < world; ++rank) {
    threads.emplace_back([&, rank] {
      try {
        body(rank);
      } catch (...) {
        failures[static_cast<size_t>(rank)] = std::current_exception();
      }
    });
  }
  for (auto& thread : threads) thread.join();
  for (const auto& failure : failures) {
    if (failure) std::rethrow_exception(failure);
  }
}

TEST(ProcessGroup, GathersRowsOfAnyCountSumsBroadcastsAndAgrees) {
  const int port = free_port(), world = 3;
  on_ranks(world, [&](int rank) {
    ProcessGroup group(options_for(rank, world, port));
    // Rank r holds r + 1 rows of [r, r, r] (rank 1 none: hard negatives may be absent on a rank).
    const int64_t rows = rank == 1 ? 0 : rank + 1;
    std::vector<int64_t> counts;
    const auto gathered = group.all_gather_rows(torch::full({rows, 3}, static_cast<float>(rank)), "gather", &counts);
    EXPECT_EQ(counts, (std::vector<int64_t>{1, 0, 3}));
    ASSERT_EQ(gathered.size(0), 4);
    EXPECT_TRUE(torch::equal(gathered, torch::tensor({0.f, 2.f, 2.f, 2.f}).unsqueeze(1).expand({4, 3})));

    std::vector<torch::Tensor> sums{torch::full({5}, rank + 1.0)};
    group.all_reduce_sum(sums, "sum");
    EXPECT_TRUE(torch::equal(sums[0], torch::full({5}, 6.0)));

    auto mine = torch::full({2}, rank * 10.0);
    group.broadcast_from_rank0(mine, "broadcast");
    EXPECT_TRUE(torch::equal(mine, torch::zeros({2}, torch::kDouble)));

    EXPECT_EQ(group.max(rank == 2 ? 7 : rank, "max"), 7);
    group.barrier("barrier");
    EXPECT_GT(group.communication_seconds(), 0.0);
  });
}

TEST(ProcessGroup, JoiningWithoutThePeersFailsSayingHowManyJoined) {
  try {
    ProcessGroup alone(options_for(0, 2, free_port(), std::chrono::milliseconds(1500)));
    FAIL() << "joined a group of 2 alone";
  } catch (const vlm2vec::Error& e) {
    EXPECT_NE(std::string(e.what()).find("only 1 of 2 ranks joined"), std::string::npos) << e.what();
  }
}

TEST(ProcessGroup, APortInUseOrNoStoreIsNamed) {
  const int port = free_port();
  ProcessGroup first(options_for(0, 1, port));  // serves the store on port
  try {
    ProcessGroup second(options_for(0, 2, port, std::chrono::milliseconds(1500)));
    FAIL() << "a second rank 0 served the same port";
  } catch (const vlm2vec::Error& e) {
    EXPECT_NE(std::string(e.what()).find("is the port in use? choose another --master-port"), std::string::npos)
        << e.what();
  }
  try {
    ProcessGroup orphan(options_for(1, 2, free_port(), std::chrono::milliseconds(1500)));
    FAIL() << "joined without a store";
  } catch (const vlm2vec::Error& e) {
    EXPECT_NE(std::string(e.what()).find("rank 1 cannot reach the rendezvous store at 127.0.0.1:"), std::string::npos)
        << e.what();
  }
}

TEST(ProcessGroup, BadRankBackendAndPortAreNamed) {
  const auto message = [](GroupOptions options) {
    try {
      ProcessGroup group(options);
    } catch (const vlm2vec::Error& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_NE(message(options_for(2, 2, 29500)).find("RANK 2 is outside 0..1"), std::string::npos);
  auto mpi = options_for(0, 1, 29500);
  mpi.backend = "mpi";
  EXPECT_NE(message(mpi).find("'mpi' is not one of gloo, nccl"), std::string::npos);
  EXPECT_NE(message(options_for(0, 2, 70000)).find("MASTER_PORT must be within 1..65535"), std::string::npos);
}

TEST(ProcessGroup, ACollectiveWithARankGoneNamesThatRank) {
  const int port = free_port(), world = 3;
  std::vector<std::string> messages(world);
  on_ranks(world, [&](int rank) {
    auto group = std::make_unique<ProcessGroup>(options_for(rank, world, port, std::chrono::milliseconds(4000)));
    group->barrier("all present");
    if (rank == 2) return;  // its group goes away: as if the process had died
    group->set_step(5);
    std::vector<torch::Tensor> grads{torch::ones({4})};
    try {
      group->all_reduce_sum(grads, "all-reduce of the gradients");
    } catch (const vlm2vec::Error& e) {
      messages[static_cast<size_t>(rank)] = e.what();
    }
  });
  for (int rank = 0; rank < 2; ++rank) {
    const auto& message = messages[static_cast<size_t>(rank)];
    EXPECT_NE(message.find("rank " + std::to_string(rank) + " of 3, step 5: all-reduce of the gradients failed"),
              std::string::npos) << message;
    EXPECT_NE(message.find("rank 2 stopped answering"), std::string::npos) << message;
  }
}

// --- the trainer: 2 ranks x 8 pairs = 1 process x 16 pairs -------------------------------------


std::vector<EncodeBatch> chunks_of(const EncodeBatch& batch, int64_t first, int64_t rows, int64_t chunk) {
  std::vector<EncodeBatch> chunks;
  for (int64_t at = first; at < first + rows; at += chunk) {
    EncodeBatch part;
    part.input_ids = batch.input_ids.narrow(0, at, std::min(chunk, first + rows - at));
    part.attention_mask = batch.attention_mask.narrow(0, at, part.input_ids.size(0));
    chunks.push_back(part);
  }
  return chunks;
}

struct GlobalBatch {
  EncodeBatch queries, targets, negatives;
  bool with_negatives;
  // Rows [first, first + rows) in chunks (GradCache sub-batches); chunk 0: one chunk.
  ContrastiveChunks slice(int64_t first, int64_t rows, int64_t chunk) const {
    const int64_t size = chunk > 0 ? chunk : rows;
    ContrastiveChunks part;
    part.queries = chunks_of(queries, first, rows, size);
    part.targets = chunks_of(targets, first, rows, size);
    if (with_negatives) part.negatives = chunks_of(negatives, first, rows, size);
    return part;
  }
};

// An adapter as it is some steps into training: LoRA B no longer zero. (Fresh, B is 0 and the first
// Adam steps move each of its entries by about +-lr whatever the gradient's size, so entries whose
// gradient is float noise would make an entry-wise relative comparison meaningless.)
void started_training(vlm2vec::training::Trainer& trainer) {
  if (trainer.options().full) return;
  torch::manual_seed(7);
  torch::NoGradGuard no_grad;
  for (const auto& p : trainer.parameters()) {
    if (p.abs().max().item<double>() == 0.0) p.detach().normal_(0.0, 0.05);
  }
}

struct EqualityCase {
  bool grad_cache;
  bool negatives;
  bool full;
};

class DataParallelEquality : public ::testing::TestWithParam<EqualityCase> {};

TEST_P(DataParallelEquality, TwoRanksOfEightGiveTheLossesAndWeightsOfOneProcessOfSixteen) {
  const auto param = GetParam();
  vlm2vec::testing::TemporaryDirectory dir;
  const auto model_dir = vlm2vec::testing::write_tiny_phi3v(dir.path(), 81).string();
  constexpr int64_t kSteps = 3, kGlobal = 16, kWorld = 2, kChunk = 4;
  std::vector<GlobalBatch> batches;
  for (uint64_t step = 0; step < kSteps; ++step) {
    batches.push_back(GlobalBatch{random_text_batch(kGlobal, 100 + step), random_text_batch(kGlobal, 200 + step),
                                  random_text_batch(kGlobal, 300 + step), param.negatives});
  }
  vlm2vec::training::TrainerOptions options;
  options.learning_rate = param.full ? 1e-3 : 5e-3;
  options.total_steps = kSteps;
  options.temperature = 0.05;
  options.grad_cache = param.grad_cache;
  options.full = param.full;
  options.adapter = {vlm2vec::models::LoraSettings{4, 8.0, 0.0, false}, {"qkv_proj", "o_proj"}};  // no dropout

  auto single_model = vlm2vec::models::load_model(model_dir, torch::kFloat32, torch::kCPU);
  vlm2vec::training::Trainer single(*single_model, options);
  started_training(single);
  std::vector<double> single_losses;
  for (const auto& batch : batches) single_losses.push_back(single.step(batch.slice(0, kGlobal, param.grad_cache ? kChunk : 0)).loss);

  const int port = free_port();
  std::vector<std::vector<double>> losses(kWorld);
  std::vector<std::vector<torch::Tensor>> weights(kWorld);
  // Models load before the threads start (loading is not what is under test).
  std::vector<std::unique_ptr<vlm2vec::models::EmbeddingModel>> models;
  for (int r = 0; r < kWorld; ++r) models.push_back(vlm2vec::models::load_model(model_dir, torch::kFloat32, torch::kCPU));
  std::vector<std::unique_ptr<vlm2vec::training::Trainer>> trainers;
  for (int r = 0; r < kWorld; ++r) {
    trainers.push_back(std::make_unique<vlm2vec::training::Trainer>(*models[r], options));
    if (r == 0) started_training(*trainers.back());  // rank 1's adapter comes from rank 0 (broadcast)
  }
  on_ranks(kWorld, [&](int rank) {
    auto& trainer = *trainers[static_cast<size_t>(rank)];
    trainer.attach_group(std::make_shared<ProcessGroup>(options_for(rank, kWorld, port)));
    const int64_t per_rank = kGlobal / kWorld;
    for (const auto& batch : batches) {
      const auto stats = trainer.step(batch.slice(rank * per_rank, per_rank, param.grad_cache ? kChunk : 0));
      losses[static_cast<size_t>(rank)].push_back(stats.loss);
    }
    for (const auto& p : trainer.parameters()) weights[static_cast<size_t>(rank)].push_back(p.detach().clone());
  });

  for (int rank = 0; rank < kWorld; ++rank) {
    for (int64_t step = 0; step < kSteps; ++step) {
      EXPECT_NEAR(losses[rank][step], single_losses[step], 1e-5 * std::abs(single_losses[step]))
          << "rank " << rank << " step " << step + 1;
    }
    double worst = 0.0;
    const auto& expected = single.parameters();
    ASSERT_EQ(weights[rank].size(), expected.size());
    for (size_t i = 0; i < expected.size(); ++i) {
      const auto difference = (weights[rank][i] - expected[i]).abs().max().item<double>();
      worst = std::max(worst, difference / std::max(1e-30, expected[i].abs().max().item<double>()));
    }
    EXPECT_LE(worst, 1e-5) << "rank " << rank << ": max relative difference of the trained weights";
  }
  // The steps did something: the weights left their initial values.
  auto fresh_model = vlm2vec::models::load_model(model_dir, torch::kFloat32, torch::kCPU);
  vlm2vec::training::Trainer fresh(*fresh_model, options);
  started_training(fresh);
  double change = 0.0;
  for (size_t i = 0; i < fresh.parameters().size(); ++i) {
    change = std::max(change, (fresh.parameters()[i] - single.parameters()[i]).abs().max().item<double>());
  }
  EXPECT_GT(change, 1e-4);
}

INSTANTIATE_TEST_SUITE_P(Modes, DataParallelEquality,
                         ::testing::Values(EqualityCase{true, true, false}, EqualityCase{false, true, false},
                                           EqualityCase{true, false, false}, EqualityCase{true, true, true},
                                           EqualityCase{false, false, true}),
                         [](const auto& info) {
                           return std::string(info.param.grad_cache ? "GradCache" : "Plain") +
                                  (info.param.negatives ? "HardNegatives" : "") + (info.param.full ? "Full" : "Lora");
                         });

TEST(DataParallel, ARankWithAnotherModelIsNamed) {
  vlm2vec::testing::TemporaryDirectory dir;
  const auto a = vlm2vec::testing::write_tiny_phi3v(dir.path() / "a", 1).string();
  const auto b = vlm2vec::testing::write_tiny_phi3v(dir.path() / "b", 2).string();
  auto model_a = vlm2vec::models::load_model(a, torch::kFloat32, torch::kCPU);
  auto model_b = vlm2vec::models::load_model(b, torch::kFloat32, torch::kCPU);
  vlm2vec::training::TrainerOptions options;
  vlm2vec::training::Trainer trainer_a(*model_a, options), trainer_b(*model_b, options);
  const int port = free_port();
  std::string message;
  on_ranks(2, [&](int rank) {
    auto& trainer = rank == 0 ? trainer_a : trainer_b;
    try {
      trainer.attach_group(std::make_shared<ProcessGroup>(options_for(rank, 2, port)));
    } catch (const std::exception& e) {
      if (rank == 1) message = e.what();
    }
  });
  EXPECT_NE(message.find("rank 1's parameter"), std::string::npos) << message;
  EXPECT_NE(message.find("differs from rank 0's"), std::string::npos) << message;
}

}  // namespace
