#include "runtime/gemm_probe.h"

#include <ATen/native/verbose_wrapper.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <sstream>
#include <vector>

#include "common/error.h"

namespace vlm2vec::runtime {
namespace {

// Runs run() with the process's standard output going to a temporary file, returns what was
// written there. A file, not a pipe: a log longer than a pipe's buffer would block the writer.
template <class Run>
std::string captured_stdout(Run run) {
  std::fflush(stdout);
  std::FILE* capture = std::tmpfile();
  if (capture == nullptr) return "";
  const int saved = dup(STDOUT_FILENO);
  if (saved < 0 || dup2(fileno(capture), STDOUT_FILENO) < 0) {
    if (saved >= 0) close(saved);
    std::fclose(capture);
    run();
    return "";
  }
  try {
    run();
  } catch (...) {
    std::fflush(stdout);
    dup2(saved, STDOUT_FILENO);
    close(saved);
    std::fclose(capture);
    throw;
  }
  std::fflush(stdout);
  dup2(saved, STDOUT_FILENO);
  close(saved);
  std::string text;
  std::rewind(capture);
  char buffer[4096];
  for (size_t n; (n = std::fread(buffer, 1, sizeof(buffer), capture)) > 0;) text.append(buffer, n);
  std::fclose(capture);
  return text;
}

}  // namespace

std::string onednn_kernel_from_log(const std::string& log) {
  std::istringstream lines(log);
  for (std::string line; std::getline(lines, line);) {
    std::vector<std::string> fields;
    std::stringstream cells(line);
    for (std::string cell; std::getline(cells, cell, ',');) fields.push_back(cell);
    // dnnl_verbose (oneDNN 2.x) or onednn_verbose (3.x), then an optional timestamp field.
    size_t at = 0;
    while (at < fields.size() && fields[at] != "exec") ++at;
    if (at == 0 || at + 3 >= fields.size() || fields[0].find("verbose") == std::string::npos) continue;
    if (fields[at + 1] != "cpu") continue;
    return fields[at + 3];
  }
  return "";
}

GemmProbe probe_gemm(torch::ScalarType dtype, int64_t m, int64_t n, int64_t k) {
  check_argument(m > 0 && n > 0 && k > 0, "the probe's m, n, k must be positive");
  torch::NoGradGuard no_grad;
  const auto x = torch::randn({m, k}).to(dtype);
  const auto w = torch::randn({n, k}).to(dtype);
  GemmProbe probe;
  const std::string log = captured_stdout([&] {
    torch::verbose::_mkldnn_set_verbose(1);
    try {
      torch::linear(x, w);
    } catch (...) {
      torch::verbose::_mkldnn_set_verbose(0);
      throw;
    }
    torch::verbose::_mkldnn_set_verbose(0);
  });
  probe.onednn_kernel = onednn_kernel_from_log(log);
  using Clock = std::chrono::steady_clock;
  const auto start = Clock::now();
  int64_t runs = 0;
  double seconds = 0.0;
  while (seconds < 0.2 || runs < 3) {
    torch::linear(x, w);
    ++runs;
    seconds = std::chrono::duration<double>(Clock::now() - start).count();
  }
  probe.gflops = 2.0 * static_cast<double>(m) * n * k * runs / seconds / 1e9;
  return probe;
}

}  // namespace vlm2vec::runtime
