#!/usr/bin/env bash
# Configures and builds newsevents into build/ (or $BUILD_DIR).
# Extra arguments go to cmake's configure step.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
build="${BUILD_DIR:-$root/build}"
jobs="${JOBS:-$(nproc)}"
# Paths relative to the checkout, so that ccache reuses objects across clones.
export CCACHE_BASEDIR="$root"
mkdir -p "$build"
echo "==> configuring in $build"
cmake -S "$root" -B "$build" -G Ninja "$@" > "$build/configure.log" 2>&1 || {
  cat "$build/configure.log" >&2; exit 1; }
echo "==> building with $jobs jobs (the first build takes several minutes; ccache makes later ones fast)"
start=$(date +%s)
cmake --build "$build" -j "$jobs" ${BUILD_TARGETS:+--target $BUILD_TARGETS}
echo "==> built in $(( $(date +%s) - start )) s"
