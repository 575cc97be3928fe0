#!/usr/bin/env bash
# Smoke test of the Docker deployment: builds the image, starts both services
# with deploy/docker-compose.yml, ingests the reference article through the
# published ingest port, reads its events back through the published query
# port, restarts the query service and checks that the same events are still
# there (the durable store on the named volume). Prints each step with its
# duration and exits non-zero on the first failure. Always tears down what it
# started (containers, network, volume) and the Docker daemon if it started
# one; the images stay as a cache for the next run.
#
# Needs root (it installs Docker and may start dockerd). All traffic stays on
# this machine: loopback and the compose project's own network.
#
# Environment:
#   NEWSEVENTS_INGEST_HOST_PORT  host port for the ingest service (50051)
#   NEWSEVENTS_QUERY_HOST_PORT   host port for the query service (50052)
#   NEWSEVENTS_IMAGE             image to build and test (newsevents:latest)
#   NEWSEVENTS_BUILD_JOBS        parallel compile jobs of the image build (2)
#   NEWSEVENTS_HEALTH_TIMEOUT    seconds to wait for a service to be healthy (120)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

export NEWSEVENTS_INGEST_HOST_PORT="${NEWSEVENTS_INGEST_HOST_PORT:-50051}"
export NEWSEVENTS_QUERY_HOST_PORT="${NEWSEVENTS_QUERY_HOST_PORT:-50052}"
export NEWSEVENTS_IMAGE="${NEWSEVENTS_IMAGE:-newsevents:latest}"
export NEWSEVENTS_BUILD_JOBS="${NEWSEVENTS_BUILD_JOBS:-2}"
# The test only talks to the published ports on loopback.
export NEWSEVENTS_PUBLISH_ADDRESS=127.0.0.1
health_timeout="${NEWSEVENTS_HEALTH_TIMEOUT:-120}"
project=newsevents-smoke
compose_file="$root/deploy/docker-compose.yml"
article_dir="$root/tests/testdata"
article=kursk-article.txt
ingest_addr="127.0.0.1:$NEWSEVENTS_INGEST_HOST_PORT"
query_addr="127.0.0.1:$NEWSEVENTS_QUERY_HOST_PORT"

work="$(mktemp -d)"
started_dockerd_pid=""
compose_up=0
current_step=""
test_start=$EPOCHREALTIME

# elapsed, step, install_docker, start_dockerd
source "$root/deploy/scripts/smoke-lib.sh"

compose() {
  if command -v docker-compose > /dev/null; then
    docker-compose -p "$project" -f "$compose_file" "$@"
  else
    docker compose -p "$project" -f "$compose_file" "$@"
  fi
}

teardown() {
  local rc=$?
  set +e
  if ((rc != 0)); then
    echo "FAILED: ${current_step:-setup} (exit $rc)" >&2
    if ((compose_up)); then
      echo "---- service status and last log lines ----" >&2
      compose ps >&2
      compose logs --no-color --tail=40 >&2
    fi
  fi
  if ((compose_up)); then
    local t0=$EPOCHREALTIME
    echo "==> teardown: containers, network and volume of project $project"
    compose down --volumes --remove-orphans --timeout 20 > "$work/down.log" 2>&1 ||
      cat "$work/down.log" >&2
    echo "    done ($(elapsed "$t0") s)"
  fi
  if [[ -n "$started_dockerd_pid" ]]; then
    echo "==> stopping the Docker daemon this test started (pid $started_dockerd_pid)"
    kill -TERM "$started_dockerd_pid" 2> /dev/null
    for _ in $(seq 60); do kill -0 "$started_dockerd_pid" 2> /dev/null || break; sleep 0.5; done
  fi
  rm -rf "$work"
  if ((rc == 0)); then
    echo "PASSED: docker smoke test in $(elapsed "$test_start") s"
  fi
  exit "$rc"
}
trap teardown EXIT
trap 'exit 130' INT TERM

check_ports_free() {
  local port
  for port in "$NEWSEVENTS_INGEST_HOST_PORT" "$NEWSEVENTS_QUERY_HOST_PORT"; do
    if (exec 3<> "/dev/tcp/127.0.0.1/$port") 2> /dev/null; then
      echo "error: port $port is in use; set NEWSEVENTS_INGEST_HOST_PORT /" \
        "NEWSEVENTS_QUERY_HOST_PORT to free ports" >&2
      return 1
    fi
  done
  echo "    ingest on $ingest_addr, query on $query_addr"
}

build_image() {
  docker build --build-arg "JOBS=$NEWSEVENTS_BUILD_JOBS" -f deploy/Dockerfile \
    -t "$NEWSEVENTS_IMAGE" . > "$work/build.log" 2>&1 ||
    { tail -n 60 "$work/build.log" >&2; return 1; }
  docker image inspect -f '    {{.RepoTags}} {{.Size}} bytes' "$NEWSEVENTS_IMAGE"
}

compose_start() {
  # A project left over from an interrupted run would keep old data.
  compose down --volumes --remove-orphans > /dev/null 2>&1 || true
  compose_up=1
  compose up -d --no-build
}

# wait_healthy SERVICE: polls the container's health status, bounded.
wait_healthy() {
  local service="$1" id status deadline=$((SECONDS + health_timeout))
  while true; do
    id="$(compose ps -q "$service")"
    status="$(docker inspect -f '{{if .State.Health}}{{.State.Health.Status}}{{else}}none{{end}}' "$id" 2> /dev/null || echo missing)"
    if [[ "$status" == healthy ]]; then
      echo "    $service: healthy"
      return
    fi
    if ((SECONDS >= deadline)); then
      echo "error: $service is '$status' after ${health_timeout} s" >&2
      docker inspect -f '{{range .State.Health.Log}}{{.Output}}{{end}}' "$id" >&2 || true
      return 1
    fi
    sleep 1
  done
}

# The CLI runs from the image, on the host network, against the published ports.
cli() {
  docker run --rm --network host -v "$article_dir:/data:ro" "$NEWSEVENTS_IMAGE" \
    newsevents --ingest="$ingest_addr" --query="$query_addr" "$@"
}

article_id=""
ingest_article() {
  cli ingest "/data/$article" | tee "$work/ingest.out"
  article_id="$(sed -n 's/^ok .*: \(art_[0-9a-f]*\),.*/\1/p' "$work/ingest.out" | head -n 1)"
  if [[ -z "$article_id" ]]; then
    echo "error: no article id in the ingest output" >&2
    return 1
  fi
}

# read_events FILE: the article's events, every modality, one JSON line each,
# sorted so that two reads compare line by line.
read_events() {
  cli events --article="$article_id" --modality=all --limit=0 > "$work/events.raw"
  sort "$work/events.raw" > "$1"
}

check_events() {
  read_events "$work/events.before"
  local n
  n=$(wc -l < "$work/events.before")
  echo "    $n events for $article_id"
  if ((n < 1)); then
    echo "error: no events were stored for $article_id" >&2
    return 1
  fi
  # E1 of the reference article: the capture of the soldiers (COERCE, capture).
  if ! grep -E '"type": ?"EVENT_TYPE_COERCE"' "$work/events.before" |
    grep -qE '"mode": ?"capture"'; then
    echo "error: the capture event (type COERCE, mode capture) is missing" >&2
    return 1
  fi
  echo "    the capture event (COERCE, capture) is there"
}

restart_query() {
  compose restart query-service
}

check_events_survived() {
  read_events "$work/events.after"
  local before after
  before=$(wc -l < "$work/events.before")
  after=$(wc -l < "$work/events.after")
  echo "    $before events before the restart, $after after"
  if ! cmp -s "$work/events.before" "$work/events.after"; then
    echo "error: the events after the query service's restart differ from those before" >&2
    diff "$work/events.before" "$work/events.after" | cut -c 1-160 | head -n 20 >&2 || true
    return 1
  fi
  echo "    the same $after events, field for field"
}

step "install Docker" install_docker
step "start the Docker daemon" start_dockerd
step "base image debian:bookworm-slim" deploy/scripts/docker-base-image.sh
step "host ports free" check_ports_free
step "build the image $NEWSEVENTS_IMAGE" build_image
step "docker-compose up" compose_start
step "query-service healthy" wait_healthy query-service
step "ingest-service healthy" wait_healthy ingest-service
step "ingest $article through $ingest_addr" ingest_article
step "read its events through $query_addr" check_events
step "restart the query service" restart_query
step "query-service healthy again" wait_healthy query-service
step "the same events after the restart" check_events_survived
