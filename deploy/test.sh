#!/usr/bin/env bash
# The test command: installs what is missing (Debian packages), builds, and
# runs the whole test suite with ctest. Then, unless NEWSEVENTS_QUICK=1:
# a clang ASan+UBSan build (which also builds the libFuzzer targets) runs the
# suite again, and every fuzzer runs for NEWSEVENTS_FUZZ_SECONDS (default 20)
# seconds.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
jobs="${JOBS:-$(nproc)}"
t0=$(date +%s)
stage() { echo; echo "=== $* (at $(( $(date +%s) - t0 )) s)"; }

stage "dependencies"
deploy/scripts/install-deps.sh --test

stage "build (g++, RelWithDebInfo)"
BUILD_DIR="$root/build" deploy/scripts/build.sh

stage "tests"
ctest --test-dir build --output-on-failure -j "$jobs" --timeout 300

if [[ "${NEWSEVENTS_QUICK:-0}" != 1 ]]; then
  # One clang build serves both: ASan+UBSan on every test, and the fuzzers.
  stage "sanitizer build (clang, ASan+UBSan, with the libFuzzer targets)"
  CC=clang CXX=clang++ BUILD_DIR="$root/build-asan" deploy/scripts/build.sh \
    -DNEWSEVENTS_FUZZ=ON -DNEWSEVENTS_BENCHMARKS=OFF -DCMAKE_BUILD_TYPE=Debug \
    -DCMAKE_CXX_FLAGS_DEBUG="-g -O1" -DCMAKE_C_FLAGS_DEBUG="-g -O1"  # -O1: as ASan advises; start-up 7x faster than -O0
  stage "tests under ASan+UBSan"
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    LSAN_OPTIONS="suppressions=$root/deploy/lsan-suppressions.txt" \
    ctest --test-dir build-asan --output-on-failure -j "$jobs" --timeout 600

  stage "fuzzers (libFuzzer, ${NEWSEVENTS_FUZZ_SECONDS:-20} s each)"
  deploy/scripts/run-fuzzers.sh "$root/build-asan" "${NEWSEVENTS_FUZZ_SECONDS:-20}"
fi

stage "all tests passed in $(( $(date +%s) - t0 )) s"
