#!/usr/bin/env bash
# The native tests built and run under AddressSanitizer and UndefinedBehaviorSanitizer, in a
# build folder of their own (build/sanitize, clang): a use-after-free, an overflow or undefined
# behaviour fails them. libtorch itself is not instrumented; leak checking is off because
# libtorch keeps allocations for the life of the process. Arguments go to ctest (e.g. -R Safetensors).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/environment.sh"
ensure_system_packages
build="$(configure_sanitizer_build)"
cmake --build "$build" -j "$(nproc)" --target vlm2vec_native_tests vlm2vec_kernel_plan_tests vlm2vec_kernel_parity_tests
export_sanitizer_options
cd "$build" && ctest --output-on-failure -j "$(nproc)" "$@"
