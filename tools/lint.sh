#!/usr/bin/env bash
# The style gate the build runs first (the root pom's validate phase), beside Spotless for Java:
#   - Solidity: forge fmt --check, with contracts/foundry.toml's [fmt] settings;
#   - shell: shellcheck on every tracked script;
#   - no line over 120 characters in Java, Solidity or shell sources, comments included.
# `forge fmt --root contracts` and `mvn spotless:apply` fix the formatting; the rest is by hand.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
failed=0

platform="$(tools/ensure-toolchain.sh)"
forge="$root/node_modules/@foundry-rs/forge-$platform/bin/forge"
if ! "$forge" fmt --check --root contracts >&2; then
  echo "lint: Solidity is not formatted: run $forge fmt --root contracts" >&2
  failed=1
fi

mapfile -t scripts < <(git ls-files --cached --others --exclude-standard '*.sh' .ci/run cli/cotrain)
if ! command -v shellcheck >/dev/null; then
  echo "lint: shellcheck is missing: install it (Debian: apt-get install shellcheck; macOS: brew install" \
    "shellcheck); .ci/run does" >&2
  failed=1
elif ! shellcheck --external-sources "${scripts[@]}"; then
  failed=1
fi

mapfile -t sources < <(git ls-files --cached --others --exclude-standard '*.java' '*.sol' '*.sh' .ci/run \
  cli/cotrain)
# characters, not bytes: C.UTF-8 makes grep count a multibyte character once
if long="$(LC_ALL=C.UTF-8 grep -nE '^.{121,}' "${sources[@]}")"; then
  echo "lint: lines over 120 characters:" >&2
  echo "$long" >&2
  failed=1
fi
exit "$failed"
