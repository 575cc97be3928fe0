#!/usr/bin/env bash
# The quick start: installs what is missing, builds, starts the query and
# ingest services on localhost (ports 50052 and 50051), ingests the reference
# article and prints its events and a query. The pair keeps running
# afterwards so you can call it; stop it with:  deploy/run-example.sh --stop
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${BUILD_DIR:-$root/build}"
run="$build/run"
cli="$build/ingest-service/src/cli/newsevents"

stop() {
  for name in ingest query; do
    if [[ -f "$run/$name.pid" ]] && kill -0 "$(cat "$run/$name.pid")" 2>/dev/null; then
      echo "==> stopping the $name service (pid $(cat "$run/$name.pid"))"
      kill -TERM "$(cat "$run/$name.pid")" || true
      for _ in $(seq 50); do kill -0 "$(cat "$run/$name.pid")" 2>/dev/null || break; sleep 0.2; done
    fi
    rm -f "$run/$name.pid"
  done
}

if [[ "${1:-}" == "--stop" ]]; then stop; exit 0; fi

"$root/deploy/scripts/install-deps.sh"
BUILD_TARGETS="newsevents-query newsevents-ingest newsevents" "$root/deploy/scripts/build.sh"

mkdir -p "$run"
stop
for port in 50051 50052; do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    echo "error: port $port is already in use; stop what listens there (ss -ltnp | grep $port) and run again" >&2
    exit 1
  fi
done

echo "==> starting the query service on :50052 (log: $run/query.log)"
"$build/query-service/src/query/newsevents-query" --port=50052 --data_dir="$root/data" > "$run/query.log" 2>&1 &
echo $! > "$run/query.pid"
echo "==> starting the ingest service on :50051 (log: $run/ingest.log)"
"$build/ingest-service/src/ingest/newsevents-ingest" --port=50051 \
  --query_address=localhost:50052 > "$run/ingest.log" 2>&1 &
echo $! > "$run/ingest.pid"

echo -n "==> waiting for both services to be SERVING "
for i in $(seq 100); do
  if "$cli" health > /dev/null 2>&1; then echo " ok"; break; fi
  if ((i == 100)); then
    echo; echo "error: the services did not become healthy; see $run/*.log" >&2
    tail -n 20 "$run"/*.log >&2; stop; exit 1
  fi
  echo -n "."; sleep 0.2
done
"$cli" health

article="$root/tests/testdata/kursk-article.txt"
echo
echo "==> ingesting $article"
out="$("$cli" ingest "$article")"
echo "$out"
id="$(echo "$out" | sed -n 's/^ok .*: \(art_[0-9a-f]*\),.*/\1/p' | head -n 1)"

echo
echo "==> its events (newsevents events --article=$id --modality=all --format=table):"
"$cli" events --article="$id" --modality=all --limit=0 --format=table

echo
echo "==> a query: events in Kursk Oblast (newsevents events --place=iso:RU-KRS), counted by type:"
"$cli" aggregate --by=type --place=iso:RU-KRS

echo
echo "==> North Korean casualties in Kursk Oblast, side by side by source"
echo "    (newsevents figures --place=iso:RU-KRS --counted=country:PRK --format=table):"
"$cli" figures --place=iso:RU-KRS --counted=country:PRK --format=table

echo
echo "==> the pair keeps running: ingest on localhost:50051, query on localhost:50052"
echo "    try:  $cli events --type=COERCE --pretty"
echo "          grpcurl -plaintext localhost:50052 list"
echo "    stop: deploy/run-example.sh --stop"
