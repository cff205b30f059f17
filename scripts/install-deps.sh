#!/usr/bin/env bash
# Installs the system packages the build needs, only when pkg-config cannot find them.
# Debian and Ubuntu names; apt-get update runs once, before the first install; sudo when not root.
set -euo pipefail

need=()
have_pc() { command -v pkg-config >/dev/null 2>&1 && pkg-config --exists "$1"; }
command -v pkg-config >/dev/null 2>&1 || need+=(pkg-config)
have_pc libcurl || need+=(libcurl4-openssl-dev)
have_pc libturbojpeg || need+=(libturbojpeg0-dev)
have_pc libpng || need+=(libpng-dev)
have_pc sqlite3 || need+=(libsqlite3-dev)

if [ ${#need[@]} -eq 0 ]; then
  exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "install-deps: missing ${need[*]} and no apt-get here; install the equivalents by hand" >&2
  exit 1
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
echo "install-deps: installing ${need[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
if ! $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}"; then
  # Older Ubuntu releases ship the TurboJPEG API in libjpeg-turbo8-dev.
  alt=("${need[@]/libturbojpeg0-dev/libjpeg-turbo8-dev}")
  $SUDO apt-get install -y -qq --no-install-recommends "${alt[@]}"
fi
