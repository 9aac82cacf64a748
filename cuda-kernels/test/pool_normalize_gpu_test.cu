// The pooling kernel against a float64 CPU reference, on a real GPU. Skips without one.
#include <cuda_runtime.h>
#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

#include "vlm2vec_kernels.h"

namespace {

bool gpu_present() {
  int count = 0;
  return cudaGetDeviceCount(&count) == cudaSuccess && count > 0;
}

template <class T>
T* to_device(const std::vector<T>& host) {
  T* device = nullptr;
  EXPECT_EQ(cudaMalloc(&device, host.size() * sizeof(T)), cudaSuccess);
  EXPECT_EQ(cudaMemcpy(device, host.data(), host.size() * sizeof(T), cudaMemcpyHostToDevice), cudaSuccess);
  return device;
}

}  // namespace

TEST(PoolNormalizeKernel, MatchesFloat64Reference) {
  if (!gpu_present()) GTEST_SKIP() << "no CUDA device";
  const int64_t batch = 5, seq_len = 9, hidden_size = 3072 + 17;
  std::mt19937 rng(3);
  std::normal_distribution<float> normal(0.0f, 3.0f);
  std::vector<float> hidden(batch * seq_len * hidden_size);
  for (auto& v : hidden) v = normal(rng);
  const std::vector<int64_t> lengths{9, 1, 4, 7, 2};

  float* d_hidden = to_device(hidden);
  int64_t* d_lengths = to_device(lengths);
  float* d_out = nullptr;
  ASSERT_EQ(cudaMalloc(&d_out, batch * hidden_size * sizeof(float)), cudaSuccess);
  ASSERT_EQ(vlm2vec_cuda_last_token_pool_normalize_f32(d_hidden, batch, seq_len, hidden_size, d_lengths, d_out, nullptr),
            VLM2VEC_OK);
  std::vector<float> out(batch * hidden_size);
  ASSERT_EQ(cudaMemcpy(out.data(), d_out, out.size() * sizeof(float), cudaMemcpyDeviceToHost), cudaSuccess);

  for (int64_t b = 0; b < batch; ++b) {
    const float* row = hidden.data() + (b * seq_len + lengths[b] - 1) * hidden_size;
    double squares = 0;
    for (int64_t i = 0; i < hidden_size; ++i) squares += double(row[i]) * row[i];
    const double norm = std::sqrt(squares);
    for (int64_t i = 0; i < hidden_size; ++i) {
      ASSERT_NEAR(out[b * hidden_size + i], row[i] / norm, 1e-6) << "row " << b << " element " << i;
    }
  }
  cudaFree(d_hidden);
  cudaFree(d_lengths);
  cudaFree(d_out);
}
