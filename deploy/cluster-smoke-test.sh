#!/usr/bin/env bash
# Smoke test of the `cluster` compose profile (docs/cluster.md): builds the
# images, starts three NATS nodes with JetStream, two ingest and two query
# replicas and HAProxy, then bulk-ingests generated articles through HAProxy's
# ingest port while it kills a NATS node (nats2) and a query replica (query2)
# and later starts them again. Afterwards every article the CLI reported as
# stored must be readable through HAProxy's query port, each replica must hold
# exactly the distinct stored articles, and query2 must have caught up with
# query1 (lag 0, the same applied sequence). Articles that failed while the
# nodes were down are sent again once the cluster is whole, together with a
# few stored ones (a retry must not store an article twice).
#
# Prints each step with its duration and exits non-zero on the first failure.
# Always tears down what it started (containers, network, volumes) and the
# Docker daemon if it started one; the images stay as a cache for the next run.
#
# Needs root (it installs Docker and may start dockerd). All traffic stays on
# this machine: loopback and the compose project's own network.
#
# Environment:
#   NEWSEVENTS_CLUSTER_INGEST_HOST_PORT  host port of HAProxy's ingest (50061)
#   NEWSEVENTS_CLUSTER_QUERY_HOST_PORT   host port of HAProxy's query (50062)
#   NEWSEVENTS_IMAGE             newsevents image to build and test (newsevents:latest)
#   NEWSEVENTS_NATS_IMAGE        NATS image to build (newsevents-nats:latest)
#   NEWSEVENTS_HAPROXY_IMAGE     HAProxy image to build (newsevents-haproxy:latest)
#   NEWSEVENTS_BUILD_JOBS        parallel compile jobs of the image build (2)
#   NEWSEVENTS_HEALTH_TIMEOUT    seconds to wait for a service to be healthy (120)
#   NEWSEVENTS_CLUSTER_ARTICLES  articles to ingest (200, at least 10)
#   NEWSEVENTS_CATCHUP_TIMEOUT   seconds for the replicas to apply the log (120)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

export NEWSEVENTS_CLUSTER_INGEST_HOST_PORT="${NEWSEVENTS_CLUSTER_INGEST_HOST_PORT:-50061}"
export NEWSEVENTS_CLUSTER_QUERY_HOST_PORT="${NEWSEVENTS_CLUSTER_QUERY_HOST_PORT:-50062}"
export NEWSEVENTS_IMAGE="${NEWSEVENTS_IMAGE:-newsevents:latest}"
export NEWSEVENTS_NATS_IMAGE="${NEWSEVENTS_NATS_IMAGE:-newsevents-nats:latest}"
export NEWSEVENTS_HAPROXY_IMAGE="${NEWSEVENTS_HAPROXY_IMAGE:-newsevents-haproxy:latest}"
export NEWSEVENTS_BUILD_JOBS="${NEWSEVENTS_BUILD_JOBS:-2}"
# The test only talks to the published ports on loopback.
export NEWSEVENTS_PUBLISH_ADDRESS=127.0.0.1
health_timeout="${NEWSEVENTS_HEALTH_TIMEOUT:-120}"
catchup_timeout="${NEWSEVENTS_CATCHUP_TIMEOUT:-120}"
article_count="${NEWSEVENTS_CLUSTER_ARTICLES:-200}"
project=newsevents-cluster-smoke
compose_file="$root/deploy/docker-compose.yml"
source_article="$root/tests/testdata/kursk-article.txt"
ingest_addr="127.0.0.1:$NEWSEVENTS_CLUSTER_INGEST_HOST_PORT"
query_addr="127.0.0.1:$NEWSEVENTS_CLUSTER_QUERY_HOST_PORT"
# The profile's services, named so that `up` leaves out the single-node pair
# (the services without a profile).
cluster_services=(nats1 nats2 nats3 ingest1 ingest2 query1 query2 haproxy)
# The CLI container that ingests while the nodes are killed.
background_cli="$project-ingest"

if ! [[ "$article_count" =~ ^[0-9]+$ ]] || ((article_count < 10)); then
  echo "error: NEWSEVENTS_CLUSTER_ARTICLES must be a number >= 10" >&2
  exit 2
fi

work="$(mktemp -d)"
# The CLI containers run as a user other than root and read files from here.
chmod 0755 "$work"
started_dockerd_pid=""
compose_up=0
current_step=""
test_start=$EPOCHREALTIME

dockerd_log=/var/log/newsevents-cluster-smoke-dockerd.log
# elapsed, step, install_docker, start_dockerd
source "$root/deploy/scripts/smoke-lib.sh"

compose() {
  if command -v docker-compose > /dev/null; then
    docker-compose -p "$project" -f "$compose_file" --profile cluster "$@"
  else
    docker compose -p "$project" -f "$compose_file" --profile cluster "$@"
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
  docker rm -f "$background_cli" > /dev/null 2>&1
  if ((compose_up)); then
    local t0=$EPOCHREALTIME
    echo "==> teardown: containers, network and volumes of project $project"
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
    echo "PASSED: cluster smoke test in $(elapsed "$test_start") s"
  fi
  exit "$rc"
}
trap teardown EXIT
trap 'exit 130' INT TERM

check_ports_free() {
  local port
  for port in "$NEWSEVENTS_CLUSTER_INGEST_HOST_PORT" "$NEWSEVENTS_CLUSTER_QUERY_HOST_PORT"; do
    if (exec 3<> "/dev/tcp/127.0.0.1/$port") 2> /dev/null; then
      echo "error: port $port is in use; set NEWSEVENTS_CLUSTER_INGEST_HOST_PORT /" \
        "NEWSEVENTS_CLUSTER_QUERY_HOST_PORT to free ports" >&2
      return 1
    fi
  done
  echo "    ingest on $ingest_addr, query on $query_addr (HAProxy)"
}

# build IMAGE DOCKERFILE CONTEXT [ARGS...]
build() {
  local image="$1" dockerfile="$2" context="$3" log
  shift 3
  log="$work/build-$(basename "$dockerfile").log"
  docker build "$@" -f "$dockerfile" -t "$image" "$context" > "$log" 2>&1 ||
    { tail -n 60 "$log" >&2; return 1; }
  docker image inspect -f '    {{.RepoTags}} {{.Size}} bytes' "$image"
}

build_images() {
  build "$NEWSEVENTS_IMAGE" deploy/Dockerfile . --build-arg "JOBS=$NEWSEVENTS_BUILD_JOBS"
  build "$NEWSEVENTS_NATS_IMAGE" deploy/nats.Dockerfile deploy
  build "$NEWSEVENTS_HAPROXY_IMAGE" deploy/haproxy.Dockerfile deploy
}

# The articles: copies of the reference article, each with its own title (the
# article id is a hash of title and body), in three batches (folders b1, b2,
# b3) for the three phases of the ingest. The folder is mounted read-only into
# the CLI container, whose user is not root.
make_articles() {
  local dir="$work/articles" i batch
  local first_end=$((article_count * 2 / 5)) second_end=$((article_count * 7 / 10))
  mkdir -p "$dir/b1" "$dir/b2" "$dir/b3"
  for ((i = 1; i <= article_count; i++)); do
    if ((i <= first_end)); then batch=b1; elif ((i <= second_end)); then batch=b2; else batch=b3; fi
    awk -v n="$i" 'NR == 1 { printf "Cluster smoke article %d: %s\n", n, $0; next } { print }' \
      "$source_article" > "$dir/$batch/$(printf 'a%04d.txt' "$i")"
  done
  chmod -R a+rX "$dir"
  echo "    $article_count articles: b1 $first_end, b2 $((second_end - first_end))," \
    "b3 $((article_count - second_end))"
}

compose_start() {
  # A project left over from an interrupted run would keep old data.
  compose down --volumes --remove-orphans > /dev/null 2>&1 || true
  compose_up=1
  compose up -d --no-build "${cluster_services[@]}"
}

container_of() {  # container id of a compose service (running or not)
  local id
  id="$(compose ps -q "$1")"
  if [[ -z "$id" ]]; then
    echo "error: no container for service $1" >&2
    return 1
  fi
  echo "$id"
}

# wait_healthy SERVICE...: polls each container's health status, bounded.
wait_healthy() {
  local service id status deadline=$((SECONDS + health_timeout))
  for service in "$@"; do
    id="$(container_of "$service")"
    while true; do
      status="$(docker inspect -f '{{if .State.Health}}{{.State.Health.Status}}{{else}}none{{end}}' "$id" 2> /dev/null || echo missing)"
      if [[ "$status" == healthy ]]; then
        echo "    $service: healthy"
        break
      fi
      if ((SECONDS >= deadline)); then
        echo "error: $service is '$status' after ${health_timeout} s" >&2
        docker inspect -f '{{range .State.Health.Log}}{{.Output}}{{end}}' "$id" >&2 || true
        return 1
      fi
      sleep 1
    done
  done
}

# HAProxy's view: every replica of both backends UP (its gRPC health check
# passes), read from its statistics page inside its container.
haproxy_servers_up() {
  local deadline=$((SECONDS + health_timeout)) csv not_up
  while true; do
    csv="$(compose exec -T haproxy bash -c 'exec 3<> /dev/tcp/127.0.0.1/8404 &&
      printf "GET /stats;csv HTTP/1.0\r\n\r\n" >&3 && cat <&3' 2> /dev/null || true)"
    not_up="$(awk -F, '($1 == "ingest" || $1 == "query") && $2 != "FRONTEND" &&
      $2 != "BACKEND" && $18 != "UP" { printf " %s=%s", $2, $18 }' <<< "$csv")"
    if [[ -z "$not_up" ]] && grep -q '^query,query2,' <<< "$csv" &&
      grep -q '^ingest,ingest2,' <<< "$csv"; then
      echo "    HAProxy: ingest1 ingest2 query1 query2 UP"
      return
    fi
    if ((SECONDS >= deadline)); then
      echo "error: after ${health_timeout} s HAProxy still has servers not UP:${not_up:- (no statistics)}" >&2
      return 1
    fi
    sleep 1
  done
}

# The CLI runs from the image, on the host network, against HAProxy's
# published ports.
cli() {
  docker run --rm --network host -v "$work/articles:/data:ro" "$NEWSEVENTS_IMAGE" \
    newsevents --ingest="$ingest_addr" --query="$query_addr" "$@"
}

# replica_stats SERVICE FILE: GetStats of one query replica, asked inside its
# container (the replicas' ports are not published).
replica_stats() {
  compose exec -T "$1" newsevents --query=127.0.0.1:50052 --timeout=10 stats > "$2"
}

# stats_field FILE FIELD [DEFAULT]: a field of the `newsevents stats` output
# (protobuf JSON: 64-bit numbers are quoted, fields that are 0 or empty are
# left out, hence DEFAULT, 0 unless given).
stats_field() {
  local v
  v="$(sed -n "s/^ *\"$2\": *\"\{0,1\}\([^\",]*\)\"\{0,1\},\{0,1\} *\$/\1/p" "$1" | head -n 1)"
  echo "${v:-${3-0}}"
}

check_replicas_on_nats() {
  local replica mode
  for replica in query1 query2; do
    replica_stats "$replica" "$work/$replica.stats"
    mode="$(stats_field "$work/$replica.stats" event_log '')"
    if [[ "$mode" != nats ]]; then
      echo "error: $replica reports event_log '$mode', not 'nats' (an image without" \
        "NATS support, or NEWSEVENTS_EVENT_LOG not applied?)" >&2
      cat "$work/$replica.stats" >&2
      return 1
    fi
    echo "    $replica: event_log nats, applied_sequence $(stats_field "$work/$replica.stats" applied_sequence)"
  done
}

# count_ok FILE: "ok" lines of the CLI's ingest output so far.
count_ok() {
  local n
  n="$(grep -c '^ok ' "$1" 2> /dev/null)" || true
  echo "${n:-0}"
}

# report_batch NAME FILE RC: one line on how the batch went.
report_batch() {
  local failed again
  failed="$(grep -c '^FAILED ' "$2" 2> /dev/null || true)"
  again="$(grep -c '^ok .*(already stored)$' "$2" 2> /dev/null || true)"
  echo "    $1: $(count_ok "$2") stored ($again already stored), $failed failed, CLI exit $3"
  grep '^FAILED ' "$2" | head -n 3 | sed 's/^/      /' || true
  tail -n 2 "$2" | grep '^newsevents:' | sed 's/^/      /' || true
}

ingest_start=""
# Batch b1 in the background; once a tenth of it is stored, nats2 and query2
# are killed (SIGKILL: no shutdown, like a crashed host).
ingest_while_killing() {
  local out="$work/ingest-b1.out" total want deadline rc=0
  total=$(find "$work/articles/b1" -name '*.txt' | wc -l)
  want=$((total / 10 > 0 ? total / 10 : 1))
  ingest_start=$EPOCHREALTIME
  : > "$out"
  docker run --rm --name "$background_cli" --network host -v "$work/articles:/data:ro" \
    "$NEWSEVENTS_IMAGE" newsevents --ingest="$ingest_addr" --query="$query_addr" \
    ingest /data/b1 > "$out" 2>&1 &
  local pid=$!
  deadline=$((SECONDS + health_timeout))
  while kill -0 "$pid" 2> /dev/null && (($(count_ok "$out") < want)) && ((SECONDS < deadline)); do
    sleep 0.1
  done
  echo "    killing nats2 and query2 after $(count_ok "$out") of $total articles"
  docker kill "$(container_of nats2)" "$(container_of query2)" > /dev/null
  wait "$pid" || rc=$?
  report_batch "batch b1" "$out" "$rc"
}

ingest_batch() {  # ingest_batch NAME: one batch folder in the foreground
  local out="$work/ingest-$1.out" rc=0
  cli ingest "/data/$1" > "$out" 2>&1 || rc=$?
  report_batch "batch $1" "$out" "$rc"
}

start_killed() {
  docker start "$(container_of nats2)" "$(container_of query2)" > /dev/null
  echo "    nats2 and query2 started again"
}

ingest_duration=""
ingest_while_rejoining() {
  ingest_batch b3
  ingest_duration="$(elapsed "$ingest_start")"
}

# acked_lines FILE...: "PATH ID" for every "ok" line of the CLI's output.
acked_lines() {
  sed -n 's/^ok  *\(\/data\/[^:]*\): \(art_[0-9a-f]*\),.*/\1 \2/p' "$@"
}

first_try_acked=0
retried=0
applied_query1=""
applied_query2=""
# Sends again every article that has no "ok" yet, and a few that have one:
# all must be stored now, the stored ones as duplicates of themselves.
retry_unacked() {
  acked_lines "$work"/ingest-b?.out | sort -u > "$work/acked-first.txt"
  first_try_acked=$(cut -d ' ' -f 1 "$work/acked-first.txt" | sort -u | wc -l)
  (cd "$work/articles" && find . -name '*.txt' | sed 's:^\./:/data/:' | sort) > "$work/all.txt"
  cut -d ' ' -f 1 "$work/acked-first.txt" | sort -u > "$work/acked-paths.txt"
  comm -23 "$work/all.txt" "$work/acked-paths.txt" > "$work/retry.txt"
  retried=$(wc -l < "$work/retry.txt")
  head -n 5 "$work/acked-paths.txt" > "$work/again.txt"
  echo "    $first_try_acked of $article_count stored on the first try; sending" \
    "$retried again, and 5 stored ones"
  local rc=0
  # shellcheck disable=SC2046 # one argument per line; the paths have no blanks
  cli ingest $(cat "$work/retry.txt" "$work/again.txt") > "$work/ingest-retry.out" 2>&1 || rc=$?
  report_batch "retry" "$work/ingest-retry.out" "$rc"
  if ((rc != 0)); then
    echo "error: the retry with the whole cluster up did not store every article" >&2
    grep -v '^ok ' "$work/ingest-retry.out" | head -n 20 >&2
    return 1
  fi
  acked_lines "$work"/ingest-b?.out "$work/ingest-retry.out" | sort -u > "$work/acked.txt"
  # Each file has one id and each id one file; a path stored twice under two
  # ids would mean the id is not stable.
  cut -d ' ' -f 2 "$work/acked.txt" | sort -u > "$work/acked-ids.txt"
  local paths ids
  paths=$(cut -d ' ' -f 1 "$work/acked.txt" | sort -u | wc -l)
  ids=$(wc -l < "$work/acked-ids.txt")
  if ((paths != article_count || ids != article_count || $(wc -l < "$work/acked.txt") != article_count)); then
    echo "error: $paths articles stored under $ids ids ($(wc -l < "$work/acked.txt") pairs)," \
      "expected $article_count distinct articles with one id each" >&2
    return 1
  fi
  echo "    all $article_count articles stored, $ids distinct ids"
}

# Both replicas must apply the log up to its end and hold exactly the stored
# articles: lag 0, the same applied sequence, `articles` = distinct ids.
replicas_caught_up() {
  local want deadline=$((SECONDS + catchup_timeout)) s
  want=$(wc -l < "$work/acked-ids.txt")
  while true; do
    local ok=1 line=""
    for s in query1 query2; do
      if replica_stats "$s" "$work/$s.stats" 2> "$work/$s.err"; then
        line+=" $s: articles $(stats_field "$work/$s.stats" articles) applied $(stats_field "$work/$s.stats" applied_sequence)"
        line+=" last $(stats_field "$work/$s.stats" log_last_sequence) lag $(stats_field "$work/$s.stats" lag);"
      else
        ok=0
        line+=" $s: $(head -n 1 "$work/$s.err");"
      fi
    done
    if ((ok)); then
      local a1 a2 p1 p2 l1 l2
      a1=$(stats_field "$work/query1.stats" articles)
      a2=$(stats_field "$work/query2.stats" articles)
      p1=$(stats_field "$work/query1.stats" applied_sequence)
      p2=$(stats_field "$work/query2.stats" applied_sequence)
      l1=$(stats_field "$work/query1.stats" lag)
      l2=$(stats_field "$work/query2.stats" lag)
      if ((a1 == want && a2 == want && l1 == 0 && l2 == 0 && p1 == p2 && p1 > 0)); then
        echo "   $line"
        applied_query1=$p1
        applied_query2=$p2
        return
      fi
    fi
    if ((SECONDS >= deadline)); then
      echo "error: after ${catchup_timeout} s the replicas are not both at $want articles" \
        "with lag 0 and the same applied sequence:$line" >&2
      cat "$work/query1.stats" "$work/query2.stats" >&2 || true
      return 1
    fi
    sleep 1
  done
}

# GetArticle of every stored id through HAProxy, in one container: each must
# answer with that article.
articles_readable() {
  local missing
  docker run --rm --network host -v "$work:/check:ro" --entrypoint bash "$NEWSEVENTS_IMAGE" -c '
    while read -r id; do
      if out="$(newsevents --query="$1" --timeout=10 article "$id" 2>&1)" &&
        grep -q "\"id\": *\"$id\"" <<< "$out"; then
        echo "found $id"
      else
        echo "missing $id: $(head -n 1 <<< "$out")"
      fi
    done < /check/acked-ids.txt' check "$query_addr" > "$work/readback.txt"
  missing=$(grep -c '^missing ' "$work/readback.txt" || true)
  if ((missing > 0)) || (($(grep -c '^found ' "$work/readback.txt" || true) != $(wc -l < "$work/acked-ids.txt"))); then
    echo "error: $missing of $(wc -l < "$work/acked-ids.txt") stored articles are not readable through $query_addr" >&2
    grep -v '^found ' "$work/readback.txt" | head -n 10 >&2
    return 1
  fi
  echo "    all $(wc -l < "$work/acked-ids.txt") articles found by id"
}

stats_through_haproxy() {
  local i n want
  want=$(wc -l < "$work/acked-ids.txt")
  # Calls alternate between the replicas; ask a few times to see both.
  for i in 1 2 3 4; do
    cli stats > "$work/haproxy.stats"
    n=$(stats_field "$work/haproxy.stats" articles)
    if ((n != want)); then
      echo "error: GetStats through $query_addr says $n articles, expected $want" >&2
      return 1
    fi
  done
  echo "    $want articles in each of 4 answers"
}

step "install Docker" install_docker
step "start the Docker daemon" start_dockerd
step "base image debian:bookworm-slim" deploy/scripts/docker-base-image.sh
step "host ports free" check_ports_free
step "build the images" build_images
step "generate the articles" make_articles
step "docker-compose --profile cluster up" compose_start
step "NATS nodes healthy" wait_healthy nats1 nats2 nats3
step "query replicas healthy" wait_healthy query1 query2
step "ingest replicas healthy" wait_healthy ingest1 ingest2
step "HAProxy healthy" wait_healthy haproxy
step "HAProxy sees every replica" haproxy_servers_up
step "the query replicas apply the NATS log" check_replicas_on_nats
step "ingest b1 through $ingest_addr, killing nats2 and query2" ingest_while_killing
step "ingest b2 while nats2 and query2 are down" ingest_batch b2
step "start nats2 and query2 again" start_killed
step "ingest b3 while they rejoin" ingest_while_rejoining
step "nats2 and query2 healthy again" wait_healthy nats2 query2
step "HAProxy sees every replica again" haproxy_servers_up
step "send the unstored articles again" retry_unacked
step "both replicas caught up" replicas_caught_up
step "every stored article readable through $query_addr" articles_readable
step "GetStats through $query_addr" stats_through_haproxy
echo "SUMMARY: $article_count articles acked ($first_try_acked on the first try," \
  "$retried sent again), ingest with the faults ${ingest_duration} s;" \
  "applied_sequence query1=$applied_query1 query2=$applied_query2"
