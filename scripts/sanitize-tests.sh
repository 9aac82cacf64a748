#!/usr/bin/env bash
# The native tests built and run under AddressSanitizer and UndefinedBehaviorSanitizer, in a
# build folder of their own (build/sanitize): a use-after-free, an overflow or undefined
# behaviour fails them. libtorch itself is not instrumented; leak checking is off because
# libtorch keeps allocations for the life of the process. Arguments go to ctest (e.g. -R Safetensors).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/environment.sh"
ensure_system_packages
build="$VLM2VEC_ROOT/build/sanitize"
cmake -S "$VLM2VEC_ROOT" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DVLM2VEC_CUDA=OFF \
    -DVLM2VEC_SANITIZE=address,undefined >/dev/null
cmake --build "$build" -j "$(nproc)" --target vlm2vec_native_tests vlm2vec_kernel_plan_tests vlm2vec_kernel_parity_tests
export ASAN_OPTIONS=detect_leaks=0:abort_on_error=1:detect_odr_violation=0
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
cd "$build" && ctest --output-on-failure -j "$(nproc)" "$@"
