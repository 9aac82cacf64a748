#!/usr/bin/env bash
# Runs a fuzz target for a bounded time under AddressSanitizer + UndefinedBehaviorSanitizer
# (native) or Jazzer (Java), starting from generated seed corpora; see docs/reliability.md.
#   scripts/fuzz.sh TARGET SECONDS [libFuzzer flags...]
#   TARGET: safetensors | model_config | tokenizer | all (each for SECONDS)
# The corpus grows in build/sanitize/fuzz/corpus/TARGET across runs (long campaigns resume
# where the last stopped); a crash, leak, sanitizer report, time-out (-timeout, 10 s) or
# out-of-memory (-rss_limit_mb, 2 GB) is written to build/sanitize/fuzz/findings/TARGET/ and
# makes the script exit non-zero. Replay one: scripts/fuzz.sh TARGET 0 FILE.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/environment.sh"

usage() { echo "usage: scripts/fuzz.sh safetensors|model_config|tokenizer|all SECONDS [libFuzzer flags...]" >&2; exit 2; }
(($# >= 2)) || usage
target="$1" seconds="$2"
shift 2
[[ "$seconds" =~ ^[0-9]+$ ]] || { echo "SECONDS must be a whole number, got '$seconds'" >&2; exit 2; }
case "$target" in safetensors | model_config | tokenizer | all) ;; *) usage ;; esac

ensure_system_packages
select_jdk
build="$(configure_sanitizer_build)"
work="$build/fuzz"
mkdir -p "$work"

# Folders of earlier runs that ended in a crash (no exit handler ran), by processes now gone.
for stale in /dev/shm/vlm2vec-fuzz-*; do
    [[ -e "$stale" ]] || continue
    pid="${stale##*-}"
    [[ "$pid" =~ ^[0-9]+$ ]] && ! kill -0 "$pid" 2>/dev/null && rm -rf "$stale"
done

cmake --build "$build" -j "$(nproc)" --target vlm2vec_fuzz_safetensors vlm2vec_fuzz_model_config vlm2vec_make_fuzz_seeds
rm -rf "$work/seeds"
"$build/native/fuzz/vlm2vec_make_fuzz_seeds" "$work/seeds"
export_sanitizer_options
# Leaks are findings here (the tests turn leak checking off; libFuzzer checks per input).
export ASAN_OPTIONS="${ASAN_OPTIONS/detect_leaks=0/detect_leaks=1}"

# The Jazzer target's classpath: the compiled classes and every test dependency (Maven's
# output goes to build.log, shown only when the build fails).
java_classpath() {
    if ! (cd "$VLM2VEC_ROOT" && mvn -B -q -Dstyle.color=never -pl java -am test-compile -DskipTests &&
        mvn -B -q -Dstyle.color=never -pl java dependency:build-classpath -Dmdep.includeScope=test \
            -Dmdep.outputFile="$work/classpath.txt") >"$work/build.log" 2>&1; then
        cat "$work/build.log" >&2
        return 1
    fi
    echo "$VLM2VEC_ROOT/java/target/classes:$VLM2VEC_ROOT/java/target/test-classes:$(cat "$work/classpath.txt")"
}

run_one() {
    local name="$1" corpus="$work/corpus/$1" findings="$work/findings/$1" log="$work/$1.log" status=0
    shift
    mkdir -p "$corpus" "$findings"
    local flags=(-max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 -print_final_stats=1
        -artifact_prefix="$findings/" "$@")
    local inputs=("$corpus" "$work/seeds/$name")
    # A replay (SECONDS 0 with files) runs just those files.
    if ((seconds == 0)) && (($# > 0)); then flags=(-rss_limit_mb=2048 -timeout=10 "$@") inputs=(); fi
    echo "[fuzz] $name for ${seconds} s (log: $log)" >&2
    if [[ "$name" == tokenizer ]]; then
        local classpath
        classpath="$(java_classpath)" || return 1
        "$JAVA_HOME/bin/java" -cp "$classpath" com.code_intelligence.jazzer.Jazzer \
            --target_class=dev.vlm2vec.reliability.TokenizerFileFuzzer \
            '--instrumentation_includes=dev.vlm2vec.**:com.fasterxml.jackson.**' \
            --reproducer_path="$findings" "${flags[@]}" "${inputs[@]}" >"$log" 2>&1 || status=$?
    else
        "$build/native/fuzz/vlm2vec_fuzz_$name" "${flags[@]}" "${inputs[@]}" >"$log" 2>&1 || status=$?
    fi
    local runs
    runs="$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)"
    if ((status != 0)); then
        grep -E -m 20 "ERROR|invariant|Exception|SUMMARY|Test unit written|deadly|leak" "$log" >&2 || tail -20 "$log" >&2
        echo "[fuzz] $name: FAILED after ${runs:-?} executions (exit $status); inputs in $findings" >&2
        return 1
    fi
    if ((${#inputs[@]} == 0)); then runs="$# replayed"; fi
    echo "[fuzz] $name: ${runs:-?} executions, no crash, leak, sanitizer report, time-out or out-of-memory" >&2
}

failed=0
if [[ "$target" == all ]]; then
    for name in safetensors model_config tokenizer; do run_one "$name" "$@" || failed=1; done
else
    run_one "$target" "$@" || failed=1
fi
exit "$failed"
