#!/usr/bin/env bash
# Load test: builds, starts a throwaway query service (memory only) and
# ingest service on free loopback ports, runs newsevents-load against them
# (and against an empty in-process callback service as the baseline), prints
# requests/s, p50/p99 latency, status codes and both services' peak memory,
# then stops them. Arguments go to newsevents-load (e.g. --seconds=10
# --concurrency=256).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${BUILD_DIR:-$root/build}"

"$root/deploy/scripts/install-deps.sh"
BUILD_TARGETS="newsevents-query newsevents-ingest newsevents-load" "$root/deploy/scripts/build.sh"

tmp="$(mktemp -d)"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT

wait_port() {  # file
  for _ in $(seq 150); do [[ -s "$1" ]] && return 0; sleep 0.2; done
  echo "error: a service did not start; its log:" >&2; cat "$tmp"/*.log >&2; exit 1
}

echo "==> starting a memory-only query service"
"$build/query-service/src/query/newsevents-query" --host=127.0.0.1 --port=0 \
  --port_file="$tmp/query.port" --data_dir= > "$tmp/query.log" 2>&1 &
qpid=$!; pids+=("$qpid")
wait_port "$tmp/query.port"
qport="$(cat "$tmp/query.port")"
echo "==> starting the ingest service"
"$build/ingest-service/src/ingest/newsevents-ingest" --host=127.0.0.1 --port=0 \
  --port_file="$tmp/ingest.port" --query_address="127.0.0.1:$qport" > "$tmp/ingest.log" 2>&1 &
ipid=$!; pids+=("$ipid")
wait_port "$tmp/ingest.port"
iport="$(cat "$tmp/ingest.port")"

echo "==> machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')"
"$build/tests/load/newsevents-load" --query="127.0.0.1:$qport" --ingest="127.0.0.1:$iport" \
  --query_pid="$qpid" --ingest_pid="$ipid" "$@"
