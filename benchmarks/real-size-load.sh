#!/bin/sh
# Real-size load, memory and latency on this machine (README, "Native: real-size load and latency"):
#
#   benchmarks/real-size-load.sh [PRESET] [DIR] [OUT]
#
# PRESET: an init-random preset (default phi-3.5-vision), written once into DIR (default
# /tmp/vlm2vec-<preset>, about 8.3 GB for Phi-3.5-V); then vlm2vec_load_bench runs four times, each
# in a process of its own: bf16 compute cold (the files evicted from the page cache first) and warm,
# fp32 compute cold and warm. One JSON per run lands in OUT (default benchmarks/results/<preset>).
# Needs the built native tree (build/native) and the CLI jar (cli/target/vlm2vec.jar).
set -eu
preset=${1:-phi-3.5-vision}
dir=${2:-/tmp/vlm2vec-$preset}
out=${3:-benchmarks/results/$preset}
bench=build/native/native/vlm2vec_load_bench
[ -x "$bench" ] || { echo "build $bench first (cmake --build build/native --target vlm2vec_load_bench)" >&2; exit 2; }
mkdir -p "$out"
if [ ! -f "$dir/config.json" ]; then
  ./run.sh init-random --preset "$preset" --output "$dir"
fi
for dtype in bf16 fp32; do
  "$bench" --model "$dir" --dtype "$dtype" --cold --json "$out/$dtype-cold.json"
  "$bench" --model "$dir" --dtype "$dtype" --json "$out/$dtype-warm.json"
done
echo "results: $out"
