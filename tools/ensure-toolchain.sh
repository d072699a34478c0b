#!/usr/bin/env bash
# Installs the pinned npm toolchain (Foundry's forge/anvil/cast, solcjs, OpenZeppelin, forge-std) with `npm ci`
# when node_modules is missing or was installed from another package-lock.json. Idempotent and quick when current.
# Prints the directory holding Foundry's native binaries for this platform.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
stamp="$root/node_modules/.cotrain-lock.sha256"

case "$(uname -s)-$(uname -m)" in
  Linux-x86_64) platform=linux-amd64 ;;
  Linux-aarch64 | Linux-arm64) platform=linux-arm64 ;;
  Darwin-x86_64) platform=darwin-amd64 ;;
  Darwin-arm64) platform=darwin-arm64 ;;
  *) echo "ensure-toolchain: no Foundry build for $(uname -s) $(uname -m)" >&2; exit 1 ;;
esac

command -v npm >/dev/null || { echo "ensure-toolchain: npm not found: install Node.js 20 or newer" >&2; exit 1; }
lock_hash="$(sha256sum "$root/package-lock.json" | cut -d' ' -f1)"
if [[ ! -f "$stamp" || "$(cat "$stamp")" != "$lock_hash" ]]; then
  echo "ensure-toolchain: installing the npm toolchain (npm ci)..." >&2
  (cd "$root" && npm ci --no-audit --no-fund --loglevel=error >&2)
  echo "$lock_hash" >"$stamp"
fi

for tool in forge anvil cast; do
  binary="$root/node_modules/@foundry-rs/$tool-$platform/bin/$tool"
  [[ -x "$binary" ]] || { echo "ensure-toolchain: $binary is missing after npm ci" >&2; exit 1; }
done
echo "$root/node_modules/@foundry-rs"
