#include "runtime/blas_probe.h"

#include <ATen/Version.h>
#include <dlfcn.h>

#include <climits>
#include <cstdlib>
#include <string>

namespace vlm2vec::runtime {
namespace {

std::string resolve_path(const char* path) {
  char resolved[PATH_MAX];
  if (path != nullptr && realpath(path, resolved) != nullptr) return resolved;
  return path != nullptr ? path : "";
}

// A handle whose lookup scope is this library and its dependencies (libtorch, and through
// it the BLAS), in the order the dynamic linker resolves libtorch's own references.
void* own_dependency_scope() {
  Dl_info self{};
  if (dladdr(reinterpret_cast<void*>(&probe_blas), &self) == 0 || self.dli_fname == nullptr) {
    return nullptr;
  }
  // In a test executable the probe is linked into the program itself, whose scope is the
  // global one that dlopen(NULL) returns.
  void* handle = dlopen(self.dli_fname, RTLD_LAZY | RTLD_NOLOAD);
  return handle != nullptr ? handle : dlopen(nullptr, RTLD_LAZY);
}

std::string blas_info_from_build_config() {
  const std::string config = at::show_config();
  const std::string key = "BLAS_INFO=";
  const auto start = config.find(key);
  if (start == std::string::npos) return "";
  const auto value_start = start + key.size();
  const auto end = config.find_first_of(", \n", value_start);
  return config.substr(value_start, end == std::string::npos ? std::string::npos : end - value_start);
}

}  // namespace

vlm2vec_blas_kind classify_blas_library(const std::string& resolved_path) {
  if (resolved_path.find("openblas") != std::string::npos) return VLM2VEC_BLAS_OPENBLAS;
  if (resolved_path.find("mkl") != std::string::npos) return VLM2VEC_BLAS_MKL;
  // Debian's netlib BLAS lives in .../blas/libblas.so.3 (package libblas3).
  if (resolved_path.find("/blas/libblas") != std::string::npos ||
      resolved_path.find("libblas.so") != std::string::npos) {
    return VLM2VEC_BLAS_REFERENCE;
  }
  return resolved_path.empty() ? VLM2VEC_BLAS_UNKNOWN : VLM2VEC_BLAS_OTHER;
}

BlasFacts probe_blas() {
  BlasFacts facts;
  void* scope = own_dependency_scope();
  if (scope != nullptr) {
    void* sgemm = dlsym(scope, "sgemm_");
    Dl_info provider{};
    if (sgemm != nullptr && dladdr(sgemm, &provider) != 0) {
      facts.library = resolve_path(provider.dli_fname);
      facts.kind = classify_blas_library(facts.library);
    }
    if (facts.kind == VLM2VEC_BLAS_OPENBLAS) {
      using ConfigFn = const char* (*)();
      if (auto config = reinterpret_cast<ConfigFn>(dlsym(scope, "openblas_get_config"))) {
        facts.version = config();
      }
    }
    dlclose(scope);
  }
  if (facts.kind == VLM2VEC_BLAS_UNKNOWN) {
    // Wheels of PyTorch link MKL statically: no separate library to find.
    const std::string configured = blas_info_from_build_config();
    if (configured.find("mkl") != std::string::npos) facts.kind = VLM2VEC_BLAS_MKL;
    else if (configured.find("open") != std::string::npos) facts.kind = VLM2VEC_BLAS_OPENBLAS;
    if (!configured.empty()) facts.version = "libtorch BLAS_INFO=" + configured;
  }
  if (facts.version.empty() && facts.kind == VLM2VEC_BLAS_REFERENCE) {
    facts.version = "reference BLAS (netlib)";
  }
  return facts;
}

}  // namespace vlm2vec::runtime
