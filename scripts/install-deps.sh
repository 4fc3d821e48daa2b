#!/usr/bin/env bash
# Installs the Debian packages zhner needs, only those missing. Run as root (CI) or with sudo.
set -euo pipefail
packages=(libmicrohttpd-dev pkg-config)
missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
    SUDO=""
    [ "$(id -u)" -ne 0 ] && SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}"
fi
command -v swift >/dev/null || { echo "install the Swift 6 toolchain first (https://swift.org/install)" >&2; exit 1; }
