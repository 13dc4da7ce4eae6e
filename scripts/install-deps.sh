#!/usr/bin/env bash
# Installs the Debian packages the build and the tests need, only those that are missing.
# Sourced by scripts/test.sh and scripts/run.sh (also runnable on its own). Runs `apt-get update` at most once,
# and only when something is missing. Needs root (or sudo).
set -euo pipefail

APT_PACKAGES=(libxml2-dev libhiredis-dev libjemalloc-dev libsqlite3-dev libcurl4-openssl-dev redis-server pkg-config python3-venv jq prometheus)

install_missing_apt_packages() {
  local missing=() p
  for p in "${APT_PACKAGES[@]}" "$@"; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
      missing+=("$p")
    fi
  done
  if [ "${#missing[@]}" -eq 0 ]; then
    return 0
  fi
  echo "==> installing missing apt packages: ${missing[*]}"
  local sudo=()
  if [ "$(id -u)" -ne 0 ]; then
    sudo=(sudo)
  fi
  export DEBIAN_FRONTEND=noninteractive
  "${sudo[@]}" apt-get update -qq
  "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  install_missing_apt_packages "$@"
fi
