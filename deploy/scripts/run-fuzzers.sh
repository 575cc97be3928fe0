#!/usr/bin/env bash
# Runs every libFuzzer target of a fuzz build for a bounded time each,
# starting from the seed corpus in tests/fuzz/corpus/<name>/ when present.
#   deploy/scripts/run-fuzzers.sh BUILD_DIR SECONDS
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
build="$1"
seconds="${2:-30}"
found=0
while IFS= read -r fuzzer; do
  found=1
  name="$(basename "$fuzzer")"
  corpus="$(mktemp -d)"
  if [[ -d "$root/tests/fuzz/corpus/$name" ]]; then cp -r "$root/tests/fuzz/corpus/$name/." "$corpus/"; fi
  echo "==> $name for $seconds s"
  log="$corpus.log"
  status=0
  "$fuzzer" -max_total_time="$seconds" -max_len=65536 -rss_limit_mb=2048 \
    -print_final_stats=1 "$corpus" > "$log" 2>&1 || status=$?
  grep -E "^stat::(number_of_executed_units|peak_rss_mb)|DONE" "$log" || true
  if [[ "$status" != 0 ]]; then tail -n 60 "$log" >&2; fi
  rm -f "$log"
  rm -rf "$corpus"
  if [[ "$status" != 0 ]]; then
    echo "error: $name failed (exit $status); reproduce with: $fuzzer <crash file>" >&2
    exit 1
  fi
done < <(find "$build/tests/fuzz" -maxdepth 1 -type f -name '*_fuzzer' -perm -u+x 2>/dev/null | sort)
if [[ "$found" == 0 ]]; then
  echo "error: no fuzzers found under $build/tests/fuzz" >&2
  exit 1
fi
