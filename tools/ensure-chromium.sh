#!/usr/bin/env bash
# Installs Debian's Chromium for the dashboard's browser test (DashboardBrowserIT drives it with playwright-core,
# which never downloads a browser of its own). Needs root and Debian's package registry; does nothing when
# $CHROMIUM (default /usr/bin/chromium) is already there.
set -euo pipefail
chromium="${CHROMIUM:-/usr/bin/chromium}"
if [[ -x "$chromium" ]]; then
  exit 0
fi
if [[ "$(id -u)" != 0 ]] || ! command -v apt-get >/dev/null; then
  echo "ensure-chromium: $chromium is missing; install Debian's chromium package (apt-get install chromium) as root" >&2
  exit 1
fi
echo "ensure-chromium: installing Debian's chromium"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq chromium >/dev/null
"$chromium" --version
