# Sourced by run.sh, test.sh and .ci/run: makes the machine ready to build vlm2vec and run
# it, doing only what is missing, so every call after the first is quick.
#   - installs the Debian packages the build and the native library need;
#   - selects a JDK >= 22 (the Temurin JDK 25 under /usr/lib/jvm on our machines);
#   - build_if_stale: rebuilds the jars when a source is newer than the jar.

VLM2VEC_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VLM2VEC_MIN_JDK=22

# libtorch-dev: libtorch 1.13 for the CPU (headers, CMake config, libraries);
# libopenblas0-pthread: without it libtorch falls back to the reference BLAS, ~30x slower;
# nlohmann-json3-dev: config.json and safetensors headers; zlib1g-dev: .npz fixtures in tests;
# libgtest-dev: the native unit tests; cmake, g++, maven: the build itself;
# libgloo-dev: the headers of the gloo libtorch links, for c10d's ProcessGroupGloo (data-parallel training);
# libturbojpeg0, libwebp7: JPEG and WebP decoded by the codecs Pillow links (through FFM;
# without them Java decoders serve, whose pixels differ for 4:4:0 JPEGs and lossy WebP);
# clang-14, libclang-rt-14-dev: the sanitizer build of the native tests and the libFuzzer targets;
# curl: the serve tests call the server as README's examples do.
VLM2VEC_SYSTEM_PACKAGES=(libtorch-dev libopenblas0-pthread nlohmann-json3-dev zlib1g-dev libgtest-dev cmake g++ maven
    libturbojpeg0 libwebp7 clang-14 libclang-rt-14-dev curl libgloo-dev)

log() { printf '[vlm2vec] %s\n' "$*" >&2; }

ensure_system_packages() {
    local missing=() package
    for package in "${VLM2VEC_SYSTEM_PACKAGES[@]}"; do
        if [[ "$(dpkg-query -W -f='${Status}' "$package" 2>/dev/null)" != "install ok installed" ]]; then
            missing+=("$package")
        fi
    done
    # Node.js and npm run the OpenAI SDK test against `serve`; any installation will do (NodeSource's
    # nodejs bundles npm and would conflict with Debian's npm package), so only the commands are checked.
    if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
        missing+=(nodejs npm)
    fi
    if ((${#missing[@]} == 0)); then
        return 0
    fi
    local sudo=()
    if ((EUID != 0)); then
        command -v sudo >/dev/null || { log "need root to install: ${missing[*]}"; return 1; }
        sudo=(sudo)
    fi
    log "installing system packages: ${missing[*]}"
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
}

# Prints the feature version of the java binary given, e.g. 25; 0 when it cannot tell.
java_feature_version() {
    local version
    version="$("$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')"
    version="${version#1.}"
    echo "${version%%.*}" | grep -E '^[0-9]+$' || echo 0
}

select_jdk() {
    if [[ -n "${JAVA_HOME:-}" && -x "$JAVA_HOME/bin/javac" ]] &&
        (($(java_feature_version "$JAVA_HOME/bin/java") >= VLM2VEC_MIN_JDK)); then
        :
    else
        local best="" best_version=0 candidate version
        for candidate in /usr/lib/jvm/*/; do
            [[ -x "$candidate/bin/javac" ]] || continue
            version="$(java_feature_version "$candidate/bin/java")"
            if ((version > best_version)); then
                best="${candidate%/}" best_version="$version"
            fi
        done
        if ((best_version < VLM2VEC_MIN_JDK)); then
            log "no JDK >= $VLM2VEC_MIN_JDK found under /usr/lib/jvm; install one (e.g. Temurin 25) or set JAVA_HOME"
            return 1
        fi
        export JAVA_HOME="$best"
    fi
    export PATH="$JAVA_HOME/bin:$PATH"
    # Maven 3.8's bundled Guava uses sun.misc.Unsafe, which JDK 24+ warns about at each start.
    if (($(java_feature_version "$JAVA_HOME/bin/java") >= 24)); then
        export MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow"
    fi
}

# Rebuilds cli/target/vlm2vec.jar (and with it the native library) when any input changed.
build_if_stale() {
    local jar="$VLM2VEC_ROOT/cli/target/vlm2vec.jar"
    if [[ -f "$jar" ]] && [[ -z "$(find "$VLM2VEC_ROOT/pom.xml" "$VLM2VEC_ROOT/CMakeLists.txt" \
        "$VLM2VEC_ROOT/cmake" "$VLM2VEC_ROOT/java/pom.xml" "$VLM2VEC_ROOT/java/src/main" "$VLM2VEC_ROOT/cli/pom.xml" "$VLM2VEC_ROOT/cli/src" \
        "$VLM2VEC_ROOT/native" "$VLM2VEC_ROOT/cuda-kernels" -newer "$jar" -print -quit)" ]]; then
        return 0
    fi
    log "building (mvn -DskipTests package)"
    (cd "$VLM2VEC_ROOT" && mvn -B -q -Dstyle.color=never -DskipTests package)
}

# Configures build/sanitize: clang with AddressSanitizer + UndefinedBehaviorSanitizer and the
# libFuzzer targets, at -O1 (what the sanitizers recommend, and twice as quick to compile as
# -O2 over libtorch's headers). Shared by scripts/sanitize-tests.sh and scripts/fuzz.sh, so
# each source is compiled once for both. Prints the folder.
configure_sanitizer_build() {
    local build="$VLM2VEC_ROOT/build/sanitize"
    cmake -S "$VLM2VEC_ROOT" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g1 -DNDEBUG" \
        -DCMAKE_C_COMPILER=clang-14 -DCMAKE_CXX_COMPILER=clang++-14 -DVLM2VEC_CUDA=OFF \
        -DVLM2VEC_SANITIZE=address,undefined -DVLM2VEC_FUZZ=ON >/dev/null
    echo "$build"
}

# The sanitizers' settings for every run: abort at the first report (a test or a fuzz run then
# fails); no leak checking in the tests (libtorch keeps allocations for the life of the process).
export_sanitizer_options() {
    export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=0:abort_on_error=1:detect_odr_violation=0}"
    export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
}
