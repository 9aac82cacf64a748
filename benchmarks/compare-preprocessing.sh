#!/usr/bin/env bash
# Phi-3.5-V preprocessing of one 1344 x 1344 JPEG: the Java pipeline (JMH) and the reference
# Python pipeline (Pillow + NumPy + PyTorch, benchmarks/python/phi3v_preprocess.py) on this
# machine, one after the other, and their ratio. Needs benchmarks/target/benchmarks.jar
# (mvn -DskipTests package) and Debian's python3-pil python3-numpy python3-torch.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
java="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
"$java" -cp target/benchmarks.jar dev.vlm2vec.bench.WriteBenchmarkImage "$work/photo.jpg"
"$java" -jar target/benchmarks.jar PreprocessingBenchmark -rf json -rff "$work/jmh.json" > "$work/jmh.log"
java_ms="$(/usr/bin/python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[0]["primaryMetric"]["score"])' "$work/jmh.json")"
python_line="$(/usr/bin/python3 python/phi3v_preprocess.py "$work/photo.jpg")"
python_ms="$(echo "$python_line" | awk '{print $2}')"
echo "java_ms_per_image $java_ms"
echo "$python_line"
/usr/bin/python3 -c "import sys; j, p = float(sys.argv[1]), float(sys.argv[2]); print(f'python / java = {p / j:.2f}x')" "$java_ms" "$python_ms"
