#!/usr/bin/env bash
# Copies the two build dependencies a device machine lacks (nlohmann-json and GoogleTest,
# from this Debian machine's packages) into .devdeps/ in the repository, laid out as a CMake
# prefix, so that gpu-check.sh can build there. .devdeps/ is git-ignored; pass it to the
# device tool's `carry`. About 2 MB.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
. "$root/scripts/environment.sh"
ensure_system_packages
deps="$root/.devdeps"
rm -rf "$deps"
mkdir -p "$deps/include" "$deps/share/cmake" "$deps/lib/x86_64-linux-gnu/cmake"
cp -r /usr/include/nlohmann /usr/include/gtest "$deps/include/"
cp -r /usr/share/cmake/nlohmann_json "$deps/share/cmake/"
cp -r /usr/lib/x86_64-linux-gnu/cmake/GTest "$deps/lib/x86_64-linux-gnu/cmake/"
cp /usr/lib/x86_64-linux-gnu/libgtest.a /usr/lib/x86_64-linux-gnu/libgtest_main.a "$deps/lib/x86_64-linux-gnu/"
du -sh "$deps"
