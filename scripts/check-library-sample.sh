#!/usr/bin/env bash
# The library as a service uses it: builds and runs examples/library-sample, a Maven project
# outside the build, against the artifacts `mvn install` put in the local repository (the thin
# dev.vlm2vec:vlm2vec, dev.vlm2vec:vlm2vec-native:linux-x86_64, dev.vlm2vec:vlm2vec-langchain4j).
# Fails on a duplicate class on its class path (extra-enforcer-rules' banDuplicateClasses), on any
# SLF4J warning (e.g. two logging providers), on a second copy of the native library on the class
# path, or when the native library was not loaded from vlm2vec-native's jar.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/environment.sh"
select_jdk
cd "$VLM2VEC_ROOT"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
java -jar cli/target/vlm2vec.jar init-tiny --arch phi3v --output "$work/model" >/dev/null
fail() {
    cat "$work/log"
    log "library sample: $1 (log above)"
    exit 1
}
mvn -B -Dstyle.color=never -f examples/library-sample/pom.xml verify -Dsample.model="$work/model" >"$work/log" 2>&1 \
    || fail "it failed to build or run"
grep -q "BanDuplicateClasses passed" "$work/log" || fail "the duplicate-class check did not run"
result=$(grep "^sample: " "$work/log") || fail "the service printed no result"
[[ "$result" == "sample: ready true, dimension 64, "* ]] || fail "unexpected result: $result"
[[ "$result" == *"native library copies 1, "* ]] || fail "the class path holds more than vlm2vec-native's copy of the native library: $result"
[[ "$result" == *"loaded "*"/vlm2vec-native-"*"/libvlm2vec.so" ]] || fail "the native library did not come from the jar: $result"
if grep -n "SLF4J" "$work/log"; then
    fail "SLF4J warned (above)"
fi
log "library sample: no duplicate classes; $result"
