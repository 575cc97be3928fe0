#!/usr/bin/env bash
# Installs the Debian 12 packages newsevents needs to build and test, and
# only those that are missing. Uses sudo when not run as root.
#   deploy/scripts/install-deps.sh            build and run
#   deploy/scripts/install-deps.sh --test     also clang, for the sanitizer
#                                             build and the fuzzers
set -euo pipefail

packages=(
  build-essential cmake ninja-build ccache pkg-config git
  protobuf-compiler libprotobuf-dev protobuf-compiler-grpc libgrpc++-dev grpc-proto
  libabsl-dev libgtest-dev libgmock-dev libbenchmark-dev
  libicu-dev libgumbo-dev rapidjson-dev libre2-dev libxxhash-dev zlib1g-dev libzstd-dev libnats-dev
)
if [[ "${1:-}" == "--test" ]]; then
  packages+=(clang libclang-rt-14-dev openssl nats-server)
fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
if ((${#missing[@]} == 0)); then
  echo "==> all ${#packages[@]} Debian packages are installed"
  exit 0
fi

sudo=""
if [[ "$(id -u)" != 0 ]]; then
  if ! command -v sudo >/dev/null; then
    echo "error: missing packages (${missing[*]}) and not root; run as root or install sudo" >&2
    exit 1
  fi
  sudo="sudo"
fi
echo "==> installing ${#missing[@]} Debian packages: ${missing[*]}"
$sudo apt-get update -qq
$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
