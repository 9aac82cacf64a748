#!/usr/bin/env bash
# The whole test suite: installs what is missing, then `mvn install`, which builds what is
# stale (CMake and javac are incremental), runs the native tests (ctest: GoogleTest) and the
# Java tests (JUnit 5), packages the library, native, CLI, LangChain4j and benchmark jars and
# installs them in the local Maven repository; then examples/library-sample, a project outside
# the build, against those artifacts (scripts/check-library-sample.sh); then the native tests again
# under AddressSanitizer + UndefinedBehaviorSanitizer (scripts/sanitize-tests.sh, clang, build/sanitize)
# and each fuzz target for 60 s (scripts/fuzz.sh all 60, a fixed seed). Arguments go to mvn;
# VLM2VEC_SANITIZERS=0 skips the sanitizer and fuzz stages (a quick local run).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/scripts/environment.sh"
ensure_system_packages
select_jdk
cd "$VLM2VEC_ROOT"
mvn -B -Dstyle.color=never install "$@"
scripts/check-library-sample.sh
if [[ "${VLM2VEC_SANITIZERS:-1}" != 0 ]]; then
    scripts/sanitize-tests.sh
    # A fixed seed: the same mutations on every run, so CI is repeatable (long campaigns vary it).
    scripts/fuzz.sh all 60 -seed=20261201
fi
