#!/usr/bin/env bash
# Installs the npm packages from the lockfile when they are missing or older than the lockfile.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "[vsphere-guest] installing npm packages (npm ci)" >&2
  npm ci --no-audit --no-fund --loglevel=error
fi
