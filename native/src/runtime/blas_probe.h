// Finds out which BLAS libtorch really calls. Debian's libtorch links the generic
// libblas.so.3, which the alternatives system may point at OpenBLAS or at the reference
// BLAS (about 30x slower), so the build configuration alone cannot tell.
#pragma once

#include <string>

#include "vlm2vec.h"

namespace vlm2vec::runtime {

struct BlasFacts {
  vlm2vec_blas_kind kind = VLM2VEC_BLAS_UNKNOWN;
  std::string version;  // e.g. "OpenBLAS 0.3.21 ..."; empty when unknown
  std::string library;  // resolved path of the file providing sgemm_; empty when unknown
};

BlasFacts probe_blas();

// Classifies a BLAS library by its resolved path (exposed for tests).
vlm2vec_blas_kind classify_blas_library(const std::string& resolved_path);

}  // namespace vlm2vec::runtime
