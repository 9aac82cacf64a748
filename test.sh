#!/usr/bin/env bash
# The whole test suite: installs what is missing, then `mvn verify`, which builds what is
# stale (CMake and javac are incremental), runs the native tests (ctest: GoogleTest) and the
# Java tests (JUnit 5), and packages vlm2vec.jar and benchmarks.jar.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/scripts/environment.sh"
ensure_system_packages
select_jdk
cd "$VLM2VEC_ROOT"
exec mvn -B -Dstyle.color=never verify "$@"
