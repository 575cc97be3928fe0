#!/usr/bin/env bash
# Makes sure the Docker base image debian:bookworm-slim exists locally.
#
#   deploy/scripts/docker-base-image.sh           use it if present, else pull,
#                                                 else build it with debootstrap
#   deploy/scripts/docker-base-image.sh --build   build it with debootstrap
#                                                 even if it is present
#
# When no image registry is reachable, the image is built from Debian's
# packages: debootstrap (minbase variant) into a temporary directory, from the
# same Debian mirror this machine's apt uses, then `docker import`. The result
# is a small Debian 12 root file system with apt; the Dockerfile installs the
# rest. Needs root (debootstrap) and a running Docker daemon.
#
# Environment:
#   NEWSEVENTS_BASE_IMAGE    image name to create (default debian:bookworm-slim)
#   NEWSEVENTS_DEBIAN_MIRROR Debian mirror (default: the one in apt's sources)
set -euo pipefail

image="${NEWSEVENTS_BASE_IMAGE:-debian:bookworm-slim}"
force_build=0
[[ "${1:-}" == "--build" ]] && force_build=1

if ((!force_build)); then
  if docker image inspect "$image" > /dev/null 2>&1; then
    echo "==> base image $image is present"
    exit 0
  fi
  echo "==> pulling $image"
  if docker pull "$image"; then exit 0; fi
  echo "==> cannot pull $image; building it from Debian packages with debootstrap"
fi

# The first Debian archive (not the security archive) and the security
# archive that apt on this machine uses, from one-line or deb822 sources.
apt_uris() {
  {
    grep -hs '^deb ' /etc/apt/sources.list /etc/apt/sources.list.d/*.list |
      awk '{for (i = 2; i <= NF; i++) if ($i !~ /^\[/) { print $i; break }}'
    grep -hs '^URIs:' /etc/apt/sources.list.d/*.sources | awk '{print $2}'
  } | sed 's:/*$::'
}
mirror="${NEWSEVENTS_DEBIAN_MIRROR:-}"
if [[ -z "$mirror" ]]; then
  mirror="$(apt_uris | grep -E '/debian$' | head -n 1 || true)"
fi
mirror="${mirror:-http://deb.debian.org/debian}"
security="$(apt_uris | grep -E '/debian-security$' | head -n 1 || true)"

if ! command -v debootstrap > /dev/null; then
  echo "==> installing debootstrap"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends debootstrap
fi

rootfs="$(mktemp -d)"
trap 'rm -rf "$rootfs"' EXIT
echo "==> debootstrap --variant=minbase bookworm from $mirror"
start=$(date +%s)
debootstrap --variant=minbase bookworm "$rootfs" "$mirror" > "$rootfs.log" 2>&1 || {
  tail -n 30 "$rootfs.log" >&2; rm -f "$rootfs.log"; exit 1; }
rm -f "$rootfs.log"

# apt sources: the same archives as the host, including updates and, when the
# host has one, the security archive.
rm -f "$rootfs/etc/apt/sources.list"
{
  printf 'Types: deb\nURIs: %s\nSuites: bookworm bookworm-updates\nComponents: main\n' "$mirror"
  printf 'Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg\n'
  if [[ -n "$security" ]]; then
    printf '\nTypes: deb\nURIs: %s\nSuites: bookworm-security\nComponents: main\n' "$security"
    printf 'Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg\n'
  fi
} > "$rootfs/etc/apt/sources.list.d/debian.sources"

# Keep the image slim: no documentation, manual pages or translations from
# packages installed later (copyright files stay), no apt caches.
cat > "$rootfs/etc/dpkg/dpkg.cfg.d/slim" << 'EOF'
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/info/*
path-exclude /usr/share/locale/*
path-include /usr/share/locale/locale.alias
EOF
cat > "$rootfs/etc/apt/apt.conf.d/docker-slim" << 'EOF'
APT::Install-Recommends "false";
APT::Install-Suggests "false";
Acquire::Languages "none";
EOF
find "$rootfs/usr/share/doc" -mindepth 2 ! -name copyright -delete 2> /dev/null || true
find "$rootfs/usr/share/doc" -mindepth 1 -type d -empty -delete 2> /dev/null || true
rm -rf "$rootfs"/usr/share/man/* "$rootfs"/usr/share/info/* \
  "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/cache/apt/*.bin \
  "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/log/*.log \
  "$rootfs"/tmp/* "$rootfs"/root/.cache
find "$rootfs/usr/share/locale" -mindepth 1 -maxdepth 1 ! -name locale.alias \
  -exec rm -rf {} + 2> /dev/null || true
: > "$rootfs/etc/machine-id"

echo "==> importing the root file system as $image"
tar --numeric-owner -C "$rootfs" -c . |
  docker import --change 'CMD ["bash"]' - "$image" > /dev/null
echo "==> built $image in $(($(date +%s) - start)) s ($(docker image inspect -f '{{.Size}}' "$image" | awk '{printf "%.0f MB", $1 / 1e6}'))"
