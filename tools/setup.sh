#!/usr/bin/env bash
# Murmur set-up: idempotent, and fast when nothing is missing.
#  1. Node >= 20.
#  2. npm ci when node_modules is missing or older than package-lock.json.
#  3. The Debian toolchains and emulators, and PostgreSQL and Mosquitto for the uplink server's tests:
#     installed with apt-get when running as root,
#     otherwise the exact command is printed and the host-only parts keep working.
# Options: --quiet (print only problems), --no-apt (never call apt-get).
set -euo pipefail
cd "$(dirname "$0")/.."

quiet=0
use_apt=1
for arg in "$@"; do
  case "$arg" in
    --quiet) quiet=1 ;;
    --no-apt) use_apt=0 ;;
    *) echo "setup: unknown option '$arg' (known: --quiet, --no-apt)" >&2; exit 2 ;;
  esac
done
say() { [ "$quiet" = 1 ] || echo "setup: $*"; }

# 1. Node
node_major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
if [ "$node_major" -lt 20 ]; then
  echo "setup: Node.js >= 20 is required (found: $(node --version 2>/dev/null || echo none)). Install Node 20 LTS and run again." >&2
  exit 1
fi

# 2. npm packages: npm's own record of the installed tree (node_modules/.package-lock.json) must be
#    at least as new as package-lock.json.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  say "installing npm packages (npm ci) ..."
  start=$(date +%s)
  # @tensorflow/tfjs-node is optional: its install downloads libtensorflow and may fail offline;
  # npm then drops it and Murmur uses @tensorflow/tfjs.
  npm ci --no-audit --no-fund --loglevel=error
  say "npm packages installed in $(( $(date +%s) - start )) s"
else
  say "npm packages up to date"
fi

# 3. Debian toolchains and emulators; PostgreSQL and Mosquitto (the uplink server's tests and benchmark).
packages=(gcc-arm-none-eabi libnewlib-arm-none-eabi gcc-avr avr-libc qemu-system-arm simavr chromium cmake postgresql mosquitto)
missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done
if [ ${#missing[@]} -eq 0 ]; then
  say "toolchains present: ${packages[*]}"
elif [ "$use_apt" = 1 ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  say "installing Debian packages: ${missing[*]} ..."
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  say "installed: ${missing[*]}"
else
  echo "setup: missing Debian packages: ${missing[*]}" >&2
  echo "setup: install them with:  sudo apt-get update && sudo apt-get install -y ${missing[*]}" >&2
  echo "setup: continuing: host-only builds work; firmware builds, emulator runs, report rendering and the uplink server's PostgreSQL and MQTT tests need them." >&2
fi
