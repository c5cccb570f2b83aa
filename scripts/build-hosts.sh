#!/usr/bin/env bash
# Builds the Terraform/OpenTofu hosts the end-to-end tests run against, from source with the Go
# module proxy, and caches them. A cached binary that reports the right version is reused.
#
#   scripts/build-hosts.sh            # build all three (tofu 1.6.3, tofu newest, terraform 1.5.7)
#   scripts/build-hosts.sh tofu-1.6.3 # only one
#
# Binaries land in ${VSPHERE_GUEST_HOSTS_DIR:-$HOME/.cache/vsphere-guest/hosts}/<name>/<binary>.
set -euo pipefail

HOSTS_DIR="${VSPHERE_GUEST_HOSTS_DIR:-$HOME/.cache/vsphere-guest/hosts}"
TOFU_OLD=1.6.3
TOFU_NEW=1.12.6
TERRAFORM=1.5.7
export GOFLAGS="${GOFLAGS:-} -mod=mod"
export CGO_ENABLED=0

log() { printf '[build-hosts] %s\n' "$*" >&2; }

has_version() { # binary version
  # Capture the whole output first: a pipe into `head`/`grep -q` closes early, and under
  # pipefail the binary's SIGPIPE would make a good binary look like the wrong version.
  local out first
  [ -x "$1" ] || return 1
  out="$(TF_CLI_CONFIG_FILE=/dev/null "$1" version 2>/dev/null)" || return 1
  first="${out%%$'\n'*}"
  [ "$first" = "OpenTofu v$2" ] || [ "$first" = "Terraform v$2" ]
}

check_version() { # binary version
  has_version "$1" "$2" || { log "built $1 but it does not report version $2"; exit 1; }
}

build_tofu_old() {
  local out="$HOSTS_DIR/tofu-$TOFU_OLD"
  if has_version "$out/tofu" "$TOFU_OLD"; then log "tofu $TOFU_OLD cached"; return; fi
  log "building tofu $TOFU_OLD (go install; a few minutes on a cold cache)"
  mkdir -p "$out"
  GOBIN="$out" go install -ldflags="-s -w -X github.com/opentofu/opentofu/version.dev=no" "github.com/opentofu/opentofu/cmd/tofu@v$TOFU_OLD"
  check_version "$out/tofu" "$TOFU_OLD"
}

build_tofu_new() {
  local out="$HOSTS_DIR/tofu-$TOFU_NEW"
  if has_version "$out/tofu" "$TOFU_NEW"; then log "tofu $TOFU_NEW cached"; return; fi
  log "building tofu $TOFU_NEW (wrapper module; a few minutes on a cold cache)"
  mkdir -p "$out"
  local work; work="$(mktemp -d)"
  trap 'rm -rf "$work"' RETURN
  # OpenTofu >= 1.7 carries a replace directive for hcl/v2, which `go install` refuses; a throw-away
  # module that repeats it builds the same program.
  local replace gomod
  gomod="$(cd "$work" && GOFLAGS= go mod download -json "github.com/opentofu/opentofu@v$TOFU_NEW" | sed -n 's/^[[:space:]]*"GoMod": "\(.*\)",*$/\1/p')"
  replace="$(grep -E '^replace github.com/hashicorp/hcl/v2 ' "$gomod" || true)"
  cat >"$work/go.mod" <<MOD
module vsphereguest.local/tofuhost

go 1.26

require github.com/opentofu/opentofu v$TOFU_NEW

$replace
MOD
  cat >"$work/tools.go" <<'GO'
//go:build tools

package tofuhost

import _ "github.com/opentofu/opentofu/cmd/tofu"
GO
  (cd "$work" && go mod tidy >/dev/null 2>&1 || true)
  (cd "$work" && go build -ldflags="-s -w -X github.com/opentofu/opentofu/version.dev=no" -o "$out/tofu" github.com/opentofu/opentofu/cmd/tofu)
  rm -rf "$work"
  check_version "$out/tofu" "$TOFU_NEW"
}

build_terraform() {
  local out="$HOSTS_DIR/terraform-$TERRAFORM"
  if has_version "$out/terraform" "$TERRAFORM"; then log "terraform $TERRAFORM cached"; return; fi
  log "building terraform $TERRAFORM (go install; a few minutes on a cold cache)"
  mkdir -p "$out"
  GOBIN="$out" go install -ldflags="-s -w" "github.com/hashicorp/terraform@v$TERRAFORM"
  check_version "$out/terraform" "$TERRAFORM"
}

targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(tofu-$TOFU_OLD tofu-$TOFU_NEW terraform-$TERRAFORM)
for t in "${targets[@]}"; do
  case "$t" in
    tofu-$TOFU_OLD) build_tofu_old ;;
    tofu-$TOFU_NEW) build_tofu_new ;;
    terraform-$TERRAFORM) build_terraform ;;
    *) log "unknown host '$t' (known: tofu-$TOFU_OLD tofu-$TOFU_NEW terraform-$TERRAFORM)"; exit 2 ;;
  esac
done
log "hosts ready in $HOSTS_DIR"
