// vlm2vec_dtype codes <-> libtorch scalar types, for every ABI function that takes a dtype.
#pragma once

#include <torch/torch.h>

#include <cstdint>
#include <string>

#include "common/error.h"
#include "vlm2vec.h"

namespace vlm2vec::abi {

inline torch::ScalarType scalar_type(int32_t dtype) {
  switch (dtype) {
    case VLM2VEC_DTYPE_FLOAT32: return torch::kFloat32;
    case VLM2VEC_DTYPE_BFLOAT16: return torch::kBFloat16;
    case VLM2VEC_DTYPE_FLOAT16: return torch::kFloat16;
    default:
      throw Error(VLM2VEC_ERR_INVALID_ARGUMENT, "dtype = " + std::to_string(dtype) +
                                                    " is not a vlm2vec_dtype (0 float32, 1 bfloat16, 2 float16)");
  }
}

inline int32_t dtype_code(torch::ScalarType type) {
  return type == torch::kBFloat16 ? VLM2VEC_DTYPE_BFLOAT16 : type == torch::kFloat16 ? VLM2VEC_DTYPE_FLOAT16 : VLM2VEC_DTYPE_FLOAT32;
}

}  // namespace vlm2vec::abi
