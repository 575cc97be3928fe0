#!/usr/bin/env bash
# Shared by the Docker smoke tests (deploy/smoke-test.sh and
# deploy/cluster-smoke-test.sh); sourced, not run. The caller sets:
#   work                 a scratch folder
#   current_step         "" (step() keeps the running step's name here)
#   started_dockerd_pid  "" (start_dockerd() sets it when it starts one)
#   dockerd_log          where a started dockerd logs (optional)
# shellcheck disable=SC2154  # work: set by the sourcing script

elapsed() {  # seconds since $1 (an $EPOCHREALTIME), one decimal
  awk -v a="$1" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }'
}

# step NAME COMMAND...: runs one step, prints its duration; a failure ends
# the test (set -e) and the EXIT trap reports which step it was.
step() {
  current_step="$1"
  shift
  local t0=$EPOCHREALTIME
  echo "==> $current_step"
  "$@"
  echo "    ok: $current_step ($(elapsed "$t0") s)"
  current_step=""
}

install_docker() {
  local missing=()
  command -v dockerd > /dev/null || missing+=(docker.io)
  command -v docker-compose > /dev/null || docker compose version > /dev/null 2>&1 ||
    missing+=(docker-compose)
  command -v debootstrap > /dev/null || missing+=(debootstrap)
  if ((${#missing[@]} == 0)); then
    echo "    docker, docker-compose and debootstrap are installed"
    return
  fi
  if [[ "$(id -u)" != 0 ]]; then
    echo "error: need root to install ${missing[*]}" >&2
    return 1
  fi
  echo "    installing ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" > "$work/apt.log" 2>&1 ||
    { tail -n 30 "$work/apt.log" >&2; return 1; }
}

start_dockerd() {
  if docker info > /dev/null 2>&1; then
    echo "    a Docker daemon is running"
    return
  fi
  local log="${dockerd_log:-/var/log/newsevents-smoke-dockerd.log}"
  echo "    starting dockerd (log: $log)"
  dockerd > "$log" 2>&1 &
  started_dockerd_pid=$!
  for _ in $(seq 120); do
    if docker info > /dev/null 2>&1; then return; fi
    if ! kill -0 "$started_dockerd_pid" 2> /dev/null; then
      started_dockerd_pid=""
      tail -n 30 "$log" >&2
      echo "error: dockerd exited" >&2
      return 1
    fi
    sleep 0.5
  done
  tail -n 30 "$log" >&2
  echo "error: dockerd did not answer within 60 s" >&2
  return 1
}
