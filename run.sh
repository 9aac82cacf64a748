#!/usr/bin/env bash
# The main job: installs what is missing, builds what is stale, then runs vlm2vec.
# With no arguments it runs `vlm2vec doctor` (it becomes `train` on the embedded defaults
# once training lands); any arguments are passed to vlm2vec, e.g. ./run.sh --version.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/scripts/environment.sh"
ensure_system_packages
select_jdk
build_if_stale
if (($# == 0)); then
    set -- doctor
fi
# jdk.incubator.vector: the SIMD kernel of the MMEB scorer (without it a scalar one runs).
exec "$JAVA_HOME/bin/java" --add-modules jdk.incubator.vector -jar "$VLM2VEC_ROOT/java/target/vlm2vec.jar" "$@"
