#!/usr/bin/env bash
# Install everything the workbench needs on a fresh Debian/Ubuntu machine:
#   system packages (binder/apt.txt: a local OCI registry and MQTT broker for the tutorials and
#   tests; Chromium for the browser tests), a virtual environment in .venv, and the package with
#   its test extras. Safe to run again: it installs only what is missing.
# Usage: bash binder/setup.sh            (then .venv/bin/workbench lab, or .venv/bin/python -m pytest)
set -euo pipefail
cd "$(dirname "$0")/.."

packages=$(grep -v '^\s*#' binder/apt.txt | tr '\n' ' ')
packages="$packages chromium"
missing=""
for package in $packages; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing="$missing $package"
done
if [ -n "$missing" ]; then
  if [ "$(id -u)" -eq 0 ]; then sudo=""; elif command -v sudo >/dev/null; then sudo="sudo"; else
    echo "setup: please install these Debian packages first (as root):$missing" >&2; exit 1
  fi
  echo "setup: installing system packages:$missing"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi
# The Debian services start themselves where systemd runs; the workbench starts its own, on loopback.
for service in mosquitto docker-registry; do
  if command -v systemctl >/dev/null && systemctl is-active --quiet "$service" 2>/dev/null; then
    ${sudo:-} systemctl stop "$service" || true
  fi
done

[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e ".[test]"
echo "setup: done. Start the workbench with .venv/bin/workbench lab; run the tests with .venv/bin/python -m pytest"
