// Hands CUDA tensors to the cuda-kernels/ launchers: the current stream, device workspace from
// libtorch's caching allocator, and launcher failures turned into vlm2vec::Error with the
// launcher's own message. Compiled to no-ops that report "unavailable" when libvlm2vec is built
// without the kernels (a CPU libtorch, or VLM2VEC_CUDA=OFF); callers then use the CPU twin,
// which is written in libtorch ops and so also runs on CUDA tensors.
#pragma once

#include <torch/torch.h>

#include <cstdint>

namespace vlm2vec::ops {

// The kernels' vlm2vec_dtype code of a tensor type; -1 for types the kernels do not take.
int32_t kernel_dtype(torch::ScalarType type);

// True when tensor lives on CUDA and the kernels are linked into this build.
bool use_cuda_kernels(const torch::Tensor& tensor);

#ifdef VLM2VEC_WITH_CUDA_KERNELS
void* current_cuda_stream();
// Throws vlm2vec::Error naming what and the launcher's message unless status is VLM2VEC_OK.
void check_kernel_status(int32_t status, const char* what);
#endif

}  // namespace vlm2vec::ops
