#!/usr/bin/env bash
# The image's HEALTHCHECK (installed as /usr/local/bin/newsevents-healthcheck).
#
# One image runs either server, so this finds the newsevents server running in
# the container and runs that binary's own --health_check with the server's
# own command-line flags (the probe inherits the container's NEWSEVENTS_*
# environment, so it checks the host and port the server was given either
# way). Exits 0 only when the server answers SERVING.
set -euo pipefail

for proc in /proc/[0-9]*; do
  exe="$(readlink "$proc/exe" 2> /dev/null)" || continue
  case "$exe" in
    */newsevents-query | */newsevents-ingest) ;;
    *) continue ;;
  esac
  args=()
  while IFS= read -r -d '' arg; do args+=("$arg"); done < "$proc/cmdline"
  # args[0] is the program; the server's flags follow, then the probe flag.
  exec "$exe" "${args[@]:1}" --health_check
done
echo "newsevents-healthcheck: no newsevents server runs in this container" >&2
exit 1
