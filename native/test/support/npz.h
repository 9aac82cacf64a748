// Reads NumPy .npz archives (a ZIP of .npy members, stored or DEFLATE-compressed) into
// tensors, for the Hugging Face reference fixtures.
#pragma once

#include <torch/torch.h>

#include <map>
#include <string>

namespace vlm2vec::testing {

// Every member of the archive, keyed by its name without ".npy". Supports the dtypes
// <f4, <f8, <i8 in C order.
std::map<std::string, torch::Tensor> read_npz(const std::string& path);

}  // namespace vlm2vec::testing
