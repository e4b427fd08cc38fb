#!/usr/bin/env bash
# Installs Debian's Chromium and ChromeDriver for the dashboard's browser tests, if missing.
# Idempotent. Exits 0 when /usr/bin/chromium and /usr/bin/chromedriver are present afterwards,
# non-zero (with a message on stderr) when they cannot be installed (no root, no apt-get, no network).
set -euo pipefail

have() { command -v chromium >/dev/null 2>&1 && command -v chromedriver >/dev/null 2>&1; }

if have; then
  exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "install-chromium: apt-get not found; install Chromium and ChromeDriver by hand" >&2
  exit 2
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    SUDO="sudo -n"
  else
    echo "install-chromium: not root and no password-less sudo; cannot install chromium" >&2
    exit 3
  fi
fi
echo "install-chromium: installing Debian's chromium and chromium-driver with apt-get (for the" \
  "dashboard's browser tests; a few minutes)" >&2
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q >/dev/null
$SUDO apt-get install -y -q --no-install-recommends chromium chromium-driver fonts-dejavu-core >/dev/null
have || { echo "install-chromium: chromium or chromedriver still missing after install" >&2; exit 4; }
