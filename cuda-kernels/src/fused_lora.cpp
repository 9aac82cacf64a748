// Fused LoRA linear on the GPU. The base weight W [out, in] and the adapter's A [r, in] sit in
// one stacked buffer wa [out + r, in], so a single tensor-core GEMM reads x once and writes
// z = x wa^T = [x W^T | x A^T]; the rank-r update scale * u B^T is then accumulated into the
// first out columns of z by a second GEMM with beta = 1, so no [rows, out] temporary and no
// separate add pass exist. The backward forms the adapter gradients from rank-r products
// only; the [out, in] weight gradient is never formed (W is frozen).
#include <cstdint>
#include <string>

#include "gemm.h"
#include "kernel_status.h"
#include "vlm2vec_kernels.h"

namespace vlm2vec::kernels {
namespace {

int32_t check_shapes(const char* what, int32_t dtype, int64_t* element_bytes, int64_t rows, int64_t in_features,
                     int64_t out_features, int64_t rank) {
  clear_last_error();
  if (!element_bytes_of(dtype, element_bytes)) {
    return invalid_argument(std::string(what) + ": unknown dtype " + std::to_string(dtype));
  }
  if (rows < 0 || in_features < 1 || out_features < 1 || rank < 1) {
    return invalid_argument(std::string(what) + ": need rows >= 0 and in, out, rank >= 1, got rows=" +
                            std::to_string(rows) + " in=" + std::to_string(in_features) +
                            " out=" + std::to_string(out_features) + " rank=" + std::to_string(rank));
  }
  return VLM2VEC_OK;
}

}  // namespace
}  // namespace vlm2vec::kernels

using vlm2vec::kernels::GemmOperand;

extern "C" int32_t vlm2vec_cuda_lora_forward(int32_t dtype, const void* x, const void* wa, const void* b, int64_t rows,
                                             int64_t in_features, int64_t out_features, int64_t rank, float scale,
                                             void* z, void* stream) {
  using namespace vlm2vec::kernels;
  int64_t element_bytes = 0;
  int32_t status = check_shapes("LoRA forward", dtype, &element_bytes, rows, in_features, out_features, rank);
  if (status != VLM2VEC_OK || rows == 0) return status;
  if (x == nullptr || wa == nullptr || b == nullptr || z == nullptr) {
    set_last_error("LoRA forward: x, wa, b and z must not be NULL");
    return VLM2VEC_ERR_NULL_POINTER;
  }
  const auto s = static_cast<cudaStream_t>(stream);
  const int64_t width = out_features + rank;
  // z [rows, out + r] = x [rows, in] wa^T
  status = gemm(dtype, rows, width, in_features, 1.0f, GemmOperand{x, in_features, false},
                GemmOperand{wa, in_features, true}, 0.0f, z, false, width, s, "LoRA stacked GEMM");
  if (status != VLM2VEC_OK) return status;
  // y = z[:, :out] += scale u B^T; u = z[:, out:] is disjoint from the columns written.
  const void* u = static_cast<const char*>(z) + out_features * element_bytes;
  return gemm(dtype, rows, out_features, rank, scale, GemmOperand{u, width, false}, GemmOperand{b, rank, true}, 1.0f,
              z, false, width, s, "LoRA rank-r GEMM");
}

extern "C" int32_t vlm2vec_cuda_lora_backward(int32_t dtype, const void* x, const void* wa, const void* b,
                                              const void* z, const void* grad_y, int64_t ld_grad_y, int64_t rows,
                                              int64_t in_features, int64_t out_features, int64_t rank, float scale,
                                              void* grad_x, void* grad_a, void* grad_b, void* workspace,
                                              void* stream) {
  using namespace vlm2vec::kernels;
  int64_t element_bytes = 0;
  int32_t status = check_shapes("LoRA backward", dtype, &element_bytes, rows, in_features, out_features, rank);
  if (status != VLM2VEC_OK) return status;
  if (x == nullptr || wa == nullptr || b == nullptr || z == nullptr || grad_y == nullptr || grad_a == nullptr ||
      grad_b == nullptr || workspace == nullptr) {
    set_last_error("LoRA backward: only grad_x may be NULL");
    return VLM2VEC_ERR_NULL_POINTER;
  }
  if (ld_grad_y < out_features) {
    return invalid_argument("LoRA backward: ld_grad_y " + std::to_string(ld_grad_y) + " < out " +
                            std::to_string(out_features));
  }
  const auto s = static_cast<cudaStream_t>(stream);
  const int64_t width = out_features + rank;
  const void* a = static_cast<const char*>(wa) + out_features * in_features * element_bytes;
  const void* u = static_cast<const char*>(z) + out_features * element_bytes;
  void* v = workspace;  // [rows, r]
  // v [rows, r] = grad_y [rows, out] B [out, r]
  status = gemm(dtype, rows, rank, out_features, 1.0f, GemmOperand{grad_y, ld_grad_y, false},
                GemmOperand{b, rank, false}, 0.0f, v, false, rank, s, "LoRA v GEMM");
  if (status != VLM2VEC_OK) return status;
  if (grad_x != nullptr) {
    // grad_x [rows, in] = grad_y W + scale v A
    status = gemm(dtype, rows, in_features, out_features, 1.0f, GemmOperand{grad_y, ld_grad_y, false},
                  GemmOperand{wa, in_features, false}, 0.0f, grad_x, false, in_features, s, "LoRA grad_x base GEMM");
    if (status != VLM2VEC_OK) return status;
    status = gemm(dtype, rows, in_features, rank, scale, GemmOperand{v, rank, false},
                  GemmOperand{a, in_features, false}, 1.0f, grad_x, false, in_features, s, "LoRA grad_x rank-r GEMM");
    if (status != VLM2VEC_OK) return status;
  }
  // grad_a [r, in] = scale v^T x
  status = gemm(dtype, rank, in_features, rows, scale, GemmOperand{v, rank, true}, GemmOperand{x, in_features, false},
                0.0f, grad_a, false, in_features, s, "LoRA grad_a GEMM");
  if (status != VLM2VEC_OK) return status;
  // grad_b [out, r] = scale grad_y^T u
  return gemm(dtype, out_features, rank, rows, scale, GemmOperand{grad_y, ld_grad_y, true}, GemmOperand{u, width, false},
              0.0f, grad_b, false, rank, s, "LoRA grad_b GEMM");
}
