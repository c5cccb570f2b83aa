#!/usr/bin/env bash
# Fails when the committed cdktf bindings in src/constructs/gen/ differ from what `npm run generate`
# would write now from the provider's schema (builds first, like npm run generate; pass --skip-build
# when lib/ is already fresh).
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
node scripts/generate-bindings.js --out "$tmp/gen" "$@"
if ! diff -ru src/constructs/gen "$tmp/gen" >"$tmp/diff"; then
  head -n 60 "$tmp/diff" >&2
  echo "generated bindings are stale: run npm run generate" >&2
  exit 1
fi
echo "generated bindings are up to date" >&2
