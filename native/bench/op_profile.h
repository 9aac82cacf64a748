// Where an encode pass spends its time, by libtorch operator: self time (an operator's time minus
// that of the operators it calls) from libtorch's legacy CPU profiler, so the rows add up to the
// whole. For the native benches only.
#pragma once

#include <torch/csrc/autograd/profiler_legacy.h>
#include <torch/torch.h>

#include <algorithm>
#include <functional>
#include <map>
#include <string>
#include <vector>

namespace vlm2vec::bench {

struct OpTime {
  std::string name;
  double self_ms = 0.0;
  int64_t calls = 0;
};

// The matrix-product operators: what the "GEMM share" counts (the patch embedding's convolution
// is a matrix product too).
inline bool is_gemm(const std::string& name) {
  static const std::vector<std::string> gemms{"aten::mm", "aten::addmm", "aten::bmm", "aten::baddbmm",
                                              "aten::mkldnn_convolution", "aten::_convolution", "aten::mkldnn_linear"};
  return std::find(gemms.begin(), gemms.end(), name) != gemms.end();
}

// Runs run() under the profiler; returns each operator's summed self time, largest first.
inline std::vector<OpTime> profile_ops(const std::function<void()>& run) {
  namespace profiler = torch::autograd::profiler;
  profiler::enableProfilerLegacy(torch::profiler::impl::ProfilerConfig(torch::profiler::impl::ProfilerState::CPU));
  run();
  const auto lists = profiler::disableProfilerLegacy();
  std::map<std::string, OpTime> by_name;
  for (const auto& events : lists) {
    struct Open {
      const profiler::LegacyEvent* push;
      double children_us;
    };
    std::vector<Open> stack;
    for (const auto& event : events) {
      if (event.kind() == profiler::EventKind::PushRange) {
        stack.push_back({&event, 0.0});
      } else if (event.kind() == profiler::EventKind::PopRange && !stack.empty()) {
        const Open open = stack.back();
        stack.pop_back();
        const double inclusive = open.push->cpuElapsedUs(event);
        OpTime& row = by_name[open.push->name()];
        row.name = open.push->name();
        row.self_ms += (inclusive - open.children_us) / 1000.0;
        ++row.calls;
        if (!stack.empty()) stack.back().children_us += inclusive;
      }
    }
  }
  std::vector<OpTime> rows;
  for (auto& [name, row] : by_name) rows.push_back(row);
  std::sort(rows.begin(), rows.end(), [](const OpTime& a, const OpTime& b) { return a.self_ms > b.self_ms; });
  return rows;
}

}  // namespace vlm2vec::bench
