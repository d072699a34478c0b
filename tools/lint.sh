#!/usr/bin/env bash
# The style gate the build runs first (the root pom's validate phase), beside Spotless for Java:
#   - Solidity: forge fmt --check, with contracts/foundry.toml's [fmt] settings;
#   - shell: shellcheck on every tracked script;
#   - no line over 120 characters in Java, Solidity or shell sources, comments included;
#   - no fully qualified class name inside Java code.
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

# the tracked and new files of the working tree; a file deleted but still tracked is left out
tracked() {
  local files
  files="$(git ls-files --cached --others --exclude-standard "$@")" || {
    echo "lint: git cannot list the sources (not a git working tree?)" >&2
    exit 1
  }
  while IFS= read -r file; do [[ -f "$file" ]] && echo "$file"; done <<<"$files"
}

mapfile -t scripts < <(tracked '*.sh' .ci/run cli/cotrain)
if [[ ${#scripts[@]} -eq 0 ]]; then
  echo "lint: no shell scripts found" >&2
  exit 1
fi
if ! command -v shellcheck >/dev/null; then
  echo "lint: shellcheck is missing: install it (Debian: apt-get install shellcheck; macOS: brew install" \
    "shellcheck); .ci/run does" >&2
  failed=1
elif ! shellcheck --external-sources "${scripts[@]}"; then
  failed=1
fi

mapfile -t sources < <(tracked '*.java' '*.sol' '*.sh' .ci/run cli/cotrain)
if [[ ${#sources[@]} -eq 0 ]]; then
  echo "lint: no sources found" >&2
  exit 1
fi
# characters, not bytes: C.UTF-8 makes grep count a multibyte character once
status=0
long="$(LC_ALL=C.UTF-8 grep -nE '^.{121,}' "${sources[@]}" </dev/null)" || status=$?
case $status in
  0) ;;
  1) long="" ;;
  *) echo "lint: cannot read the sources" >&2; exit 1 ;;
esac
if [[ -n "$long" ]]; then
  echo "lint: lines over 120 characters:" >&2
  echo "$long" >&2
  failed=1
fi
# Java names its classes by imports: a fully qualified name inside code (strings and comments aside) is flagged
mapfile -t java < <(tracked '*.java')
qualified="$(perl -ne 'next if /^\s*(package|import)\b/ || /^\s*(\*|\/\/|\/\*)/;
  s/"(?:[^"\\]|\\.)*"//g; s/\/\/.*//;
  print "$ARGV:$.: $_" if /(?<![\w.])(?:java|javax|jakarta|org|com|io|net)\.(?:[a-z_][a-z0-9_]*\.)+[A-Z]\w*/;
  close ARGV if eof' "${java[@]}")"
if [[ -n "$qualified" ]]; then
  echo "lint: fully qualified class names in code (import them):" >&2
  echo "$qualified" >&2
  failed=1
fi
exit "$failed"
