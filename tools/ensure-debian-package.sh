#!/usr/bin/env bash
# ensure-debian-package.sh PROGRAM PACKAGE: installs Debian's PACKAGE unless PROGRAM (a path, or a command on PATH)
# is already there. .ci/run uses it for what the build runs but npm and Maven cannot install: chromium for the
# dashboard's browser test (playwright-core never downloads a browser of its own), shellcheck for the style gate,
# postgresql for the gateway index's tests.
# Needs root and Debian's package registry when the package is missing.
set -euo pipefail
program="$1" package="$2"
if [[ -x "$program" ]] || command -v "$program" >/dev/null; then
  exit 0
fi
if [[ "$(id -u)" != 0 ]] || ! command -v apt-get >/dev/null; then
  echo "ensure-debian-package: $program is missing; install Debian's $package package (apt-get install $package)" \
    "as root" >&2
  exit 1
fi
echo "ensure-debian-package: installing Debian's $package"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq "$package" >/dev/null
if [[ ! -x "$program" ]] && ! command -v "$program" >/dev/null; then
  echo "ensure-debian-package: installed $package, but $program is still missing: is it the package's path?" >&2
  exit 1
fi
