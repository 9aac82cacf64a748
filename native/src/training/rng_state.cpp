#include "training/rng_state.h"

#include <ATen/CPUGeneratorImpl.h>

#include <mutex>

#ifdef VLM2VEC_TORCH_HAS_CUDA
#include <ATen/cuda/CUDAContext.h>
#include <ATen/cuda/CUDAGeneratorImpl.h>
#endif

namespace vlm2vec::training {

RngState RngState::capture() {
  RngState state;
  auto cpu = at::detail::getDefaultCPUGenerator();
  {
    std::lock_guard<std::mutex> lock(cpu.mutex());
    state.cpu = cpu.get_state();
  }
#ifdef VLM2VEC_TORCH_HAS_CUDA
  if (torch::cuda::is_available()) {
    auto cuda = at::cuda::detail::getDefaultCUDAGenerator();
    std::lock_guard<std::mutex> lock(cuda.mutex());
    state.cuda = cuda.get_state();
  }
#endif
  return state;
}

void RngState::restore() const {
  auto cpu = at::detail::getDefaultCPUGenerator();
  {
    std::lock_guard<std::mutex> lock(cpu.mutex());
    cpu.set_state(this->cpu);
  }
#ifdef VLM2VEC_TORCH_HAS_CUDA
  if (cuda.defined()) {
    auto generator = at::cuda::detail::getDefaultCUDAGenerator();
    std::lock_guard<std::mutex> lock(generator.mutex());
    generator.set_state(cuda);
  }
#endif
}

}  // namespace vlm2vec::training
