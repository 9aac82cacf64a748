#!/usr/bin/env bash
# The GPU check of cuda-kernels/, for a device machine (an H100/H200 with Python torch+CUDA,
# nvcc and CMake; no JDK, no network). One call does it all, in about 5 minutes:
#   1. builds the kernels, their parity tests and the benchmark against the Python torch's
#      libtorch (CUDA), for sm_90;
#   2. runs every kernel against its CPU twin and a float64 reference (parity tests);
#   3. prints the benchmark table (cuda-kernels/bench/kernel_bench.cpp);
#   4. runs compute-sanitizer (memcheck) once over a small case of each kernel;
#   5. builds the whole libvlm2vec against that libtorch (does it compile on torch 2.x?) and
#      checks a GradCache training step on the GPU against the plain step (CUDA RNG replay).
# Writes gpu-check.log and bench.md to $OUT (the device tool's output folder) or build/gpu-check.
#
# Prepare here, once: cuda-kernels/test/stage-device-deps.sh (the device lacks nlohmann-json
# and GoogleTest), then run with `carry: [".devdeps"]` and
#   command: bash cuda-kernels/test/gpu-check.sh
# Exit status: 0 when every step passed.
set -uo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
out="${OUT:-$root/build/gpu-check}"
mkdir -p "$out"
exec > >(tee "$out/gpu-check.log") 2>&1
deps="${VLM2VEC_DEVICE_DEPS:-$root/.devdeps}"
build="$root/build/gpu"
jobs="$(nproc)"
failed=()

step() {  # step NAME COMMAND...: runs, times and records one step
    local name="$1" start=$SECONDS
    shift
    echo "=== $name"
    if "$@"; then
        echo "=== $name: ok ($((SECONDS - start)) s)"
    else
        echo "=== $name: FAILED ($((SECONDS - start)) s)"
        failed+=("$name")
    fi
}

nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader || true
python3 -c 'import torch; print("torch", torch.__version__, "CUDA", torch.version.cuda, torch.cuda.get_device_name(0))'
nvcc --version | tail -1
torch_prefix="$(python3 -c 'import torch; print(torch.utils.cmake_prefix_path)')"

configure() {
    cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release \
        -DCMAKE_PREFIX_PATH="$torch_prefix;$deps" \
        -DGTest_DIR="$deps/lib/x86_64-linux-gnu/cmake/GTest" \
        -Dnlohmann_json_DIR="$deps/share/cmake/nlohmann_json" \
        -DVLM2VEC_CUDA=ON -DCMAKE_CUDA_ARCHITECTURES=90 \
        -DVLM2VEC_BUILD_TESTS=OFF -DVLM2VEC_BUILD_KERNEL_TESTS=ON
}
step configure configure
# The benchmark builds alongside (-k 0: one target failing does not stop the others).
step "build kernel tests" cmake --build "$build" -j "$jobs" --target vlm2vec_kernel_plan_tests vlm2vec_kernel_gpu_tests vlm2vec_kernel_parity_tests vlm2vec_kernel_bench -- -k 0
tests="$build/cuda-kernels/test"
step "plan tests" "$tests/vlm2vec_kernel_plan_tests" --gtest_brief=1
step "raw pooling kernel test" "$tests/vlm2vec_kernel_gpu_tests"
step "parity tests (kernel vs CPU twin vs float64)" "$tests/vlm2vec_kernel_parity_tests"
step "build benchmark" cmake --build "$build" -j "$jobs" --target vlm2vec_kernel_bench
bench() { "$build/cuda-kernels/test/vlm2vec_kernel_bench" | tee "$out/bench.md"; }
step "benchmark" bench
step "compute-sanitizer memcheck, parity (one small case per kernel)" \
    timeout 150 compute-sanitizer --tool memcheck --error-exitcode 3 "$tests/vlm2vec_kernel_parity_tests" \
    --gtest_filter='Shapes/InfoNceKernel.MatchesTwinAndFloat64/case0_*:Shapes/InfoNceKernel.MatchesTwinAndFloat64/case5_tiled:Shapes/InfoNceKernel.MatchesTwinAndFloat64/case6_cublas:PoolNormalizeBackwardKernel.*:Shapes/LoraKernel.MatchesFloat64/case1_tiled:Shapes/LoraKernel.MatchesFloat64/case2_*'
step "compute-sanitizer memcheck, pooling forward" \
    timeout 60 compute-sanitizer --tool memcheck --error-exitcode 3 "$tests/vlm2vec_kernel_gpu_tests"
step "build libvlm2vec on this libtorch" timeout 200 cmake --build "$build" -j "$jobs" --target vlm2vec vlm2vec_train_bench
step "GradCache on CUDA (RNG replay) equals the plain step" "$build/native/vlm2vec_train_bench" cuda-gradcache

if ((${#failed[@]})); then
    echo "gpu-check: FAILED steps: ${failed[*]}"
    exit 1
fi
echo "gpu-check: all steps passed"
