#!/usr/bin/env bash
# Installs the pinned npm packages with `npm ci` wherever node_modules is missing or was installed from another
# package-lock.json: the Solidity toolchain at the root (Foundry's forge/anvil/cast, solcjs, OpenZeppelin, forge-std)
# and every other npm project listed below (e.g. the IPFS node). Idempotent and quick when current.
# Prints this platform's name in Foundry's npm packages (e.g. linux-amd64): the native binaries are
# node_modules/@foundry-rs/<tool>-<platform>/bin/<tool>.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

case "$(uname -s)-$(uname -m)" in
  Linux-x86_64) platform=linux-amd64 ;;
  Linux-aarch64 | Linux-arm64) platform=linux-arm64 ;;
  Darwin-x86_64) platform=darwin-amd64 ;;
  Darwin-arm64) platform=darwin-arm64 ;;
  *) echo "ensure-toolchain: no Foundry build for $(uname -s) $(uname -m)" >&2; exit 1 ;;
esac

command -v npm >/dev/null || { echo "ensure-toolchain: npm not found: install Node.js 20 or newer" >&2; exit 1; }

# npm ci in $1 unless its node_modules was installed from the same lock file.
npm_ci_if_changed() {
  local project="$1" stamp="$1/node_modules/.cotrain-lock.sha256" lock_hash
  lock_hash="$(sha256sum "$project/package-lock.json" | cut -d' ' -f1)"
  if [[ ! -f "$stamp" || "$(cat "$stamp")" != "$lock_hash" ]]; then
    echo "ensure-toolchain: npm ci in ${project#"$root"/}..." >&2
    (cd "$project" && npm ci --no-audit --no-fund --loglevel=error >&2)
    echo "$lock_hash" >"$stamp"
  fi
}

npm_ci_if_changed "$root"
npm_ci_if_changed "$root/ipfs/node"

for tool in forge anvil cast; do
  binary="$root/node_modules/@foundry-rs/$tool-$platform/bin/$tool"
  [[ -x "$binary" ]] || { echo "ensure-toolchain: $binary is missing after npm ci" >&2; exit 1; }
done
echo "$platform"
