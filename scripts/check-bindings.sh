#!/usr/bin/env bash
# Fails when the committed bindings of either construct core (src/constructs/cdktf/gen/ and
# src/constructs/cdktn/gen/) differ from what `npm run generate` would write now from the provider's
# schema (builds first, like npm run generate; pass --skip-build when lib/ is already fresh).
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
node scripts/generate-bindings.js --out "$tmp" "$@"
stale=0
for core in cdktf cdktn; do
  if ! diff -ru "src/constructs/$core/gen" "$tmp/$core" >"$tmp/diff-$core"; then
    head -n 60 "$tmp/diff-$core" >&2
    echo "generated $core bindings (src/constructs/$core/gen) are stale: run npm run generate" >&2
    stale=1
  fi
done
[ "$stale" -eq 0 ] || exit 1
echo "generated bindings (cdktf and cdktn) are up to date" >&2
