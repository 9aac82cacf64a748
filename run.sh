#!/usr/bin/env bash
# The main job: installs what is missing, builds what is stale, then runs vlm2vec.
# With no arguments it prints a one-line `vlm2vec doctor` verdict, then runs the embedded
# default end to end: a tiny model trains on MMEB-mini, is evaluated before and after, and the
# report's path is printed (`vlm2vec train` with no arguments, into ./vlm2vec-train). Any
# arguments are passed to vlm2vec instead, e.g. ./run.sh --version, ./run.sh doctor.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/scripts/environment.sh"
ensure_system_packages
select_jdk
build_if_stale
# jdk.incubator.vector: the SIMD kernel of the MMEB scorer (without it a scalar one runs).
vlm2vec=("$JAVA_HOME/bin/java" --add-modules jdk.incubator.vector -jar "$VLM2VEC_ROOT/cli/target/vlm2vec.jar")
if (($# == 0)); then
    "${vlm2vec[@]}" doctor --brief
    set -- train
fi
exec "${vlm2vec[@]}" "$@"
