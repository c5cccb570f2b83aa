#!/usr/bin/env bash
# The user path, from a packed tarball, for cdktf and for CDK Terrain (cdktn):
#   npm pack (prepack builds a clean lib/) → the tarball's contents → a fresh project per core with
#   the tarball, the core, constructs, typescript 5 and @types/node installed from the registry (none
#   of this repository's dependencies) → tsc under node10 (what cdktf projects use), node16 and bundler
#   module resolution → compile and run a cdktf/cdktn app (which synthesizes it) → `vsphere-guest
#   provider install` and the simulator from the installed package → `tofu init` and `tofu plan`:
#   the gate passes for a process that exited 0 and fails the plan for one that exited 3.
#
# Usage: bash scripts/check-package.sh
#   VSPHERE_GUEST_TOFU   the tofu binary (default: OpenTofu 1.12.6 built by scripts/build-hosts.sh)
#   KEEP=1               keep the temporary directory (its path is printed) for a look afterwards
# Needs the npm registry (the npm cache makes repeated runs quick). Run by .ci/run.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
tofu=${VSPHERE_GUEST_TOFU:-${VSPHERE_GUEST_HOSTS_DIR:-$HOME/.cache/vsphere-guest/hosts}/tofu-1.12.6/tofu}
work=$(mktemp -d "${TMPDIR:-/tmp}/vsg-package-XXXXXX")
sim_pid=""
started=$SECONDS

cleanup() {
  if [ -n "$sim_pid" ]; then
    kill "$sim_pid" 2>/dev/null || true
    wait "$sim_pid" 2>/dev/null || true
  fi
  if [ "${KEEP:-}" = 1 ]; then echo "check-package: kept $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT

step() { printf '\n▶ [%3d s] %s\n' "$((SECONDS - started))" "$*" >&2; }
fail() {
  echo "check-package: FAILED: $*" >&2
  exit 1
}
quietly() { # runs a command, showing its output only when it fails
  local log="$work/last.log"
  if ! "$@" >"$log" 2>&1; then
    cat "$log" >&2
    fail "$* exited with an error"
  fi
}

[ -x "$tofu" ] || fail "$tofu is missing: run scripts/build-hosts.sh, or set VSPHERE_GUEST_TOFU"

step "npm pack (prepack: a clean build into lib/)"
(cd "$root" && npm pack --pack-destination "$work" >"$work/pack.log" 2>&1) || {
  cat "$work/pack.log" >&2
  fail "npm pack"
}
tarball=$(ls "$work"/vsphere-guest-*.tgz)
listing=$(tar -tzf "$tarball")
for file in package/package.json package/bin/vsphere-guest package/bin/terraform-provider-vsphereguest \
  package/lib/index.js package/lib/index.d.ts package/lib/provider/main.bundle.js \
  package/lib/constructs/cdktf/index.d.ts package/lib/constructs/cdktn/index.d.ts \
  package/lib/vcenter/index.d.ts package/lib/simulator/index.d.ts package/README.md; do
  grep -qx "$file" <<<"$listing" || fail "$file is missing from the tarball"
done
if stray=$(grep -E '\.(cache|tmp|map|tsbuildinfo|tgz)$|^package/(src|test|scripts|examples|node_modules)/|cdktf\.out|\.terraform' <<<"$listing"); then
  fail "local artifacts in the tarball: $stray"
fi
echo "  $(basename "$tarball"): $(wc -l <<<"$listing") files, $(du -k "$tarball" | cut -f1) kB" >&2

export CHECKPOINT_DISABLE=1
tofu_home="$work/home"
mkdir -p "$tofu_home"
: >"$work/cli.tfrc"

for core in cdktf cdktn; do
  app="$work/$core-app"
  mkdir -p "$app"
  cd "$app"

  # cdktf: the newest constructs, as an existing cdktf project has it; cdktn: the one npm picks for
  # cdktn's narrower peer range.
  constructs=constructs
  [ "$core" = cdktf ] && constructs=constructs@latest
  step "$core: a fresh project; npm install the tarball, $core, $constructs, typescript 5, @types/node 20"
  quietly npm init -y
  quietly npm install --no-audit --no-fund --loglevel=error "$tarball" "$core" "$constructs" "typescript@5" "@types/node@20"
  echo "  $(node -p "['$core', 'constructs', 'typescript'].map((n) => n + ' ' + require('./node_modules/' + n + '/package.json').version).join(', ')")" >&2

  cat >main.ts <<EOF
import { App, DataResource, TerraformOutput, TerraformStack, TerraformVariable } from "$core";
import type { Construct } from "constructs";
import { GuestProcess, VsphereguestProvider } from "vsphere-guest/$core";

class Gate extends TerraformStack {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    const pid = new TerraformVariable(this, "pid", { type: "number" });
    new VsphereguestProvider(this, "vsphereguest", {});
    const migrate = new GuestProcess(this, "migrate", {
      vm: "vm-1001",
      pid: pid.numberValue,
      waitForExit: true,
      timeout: "1m",
      expectExitCode: 0,
    });
    const release = new DataResource(this, "release", { input: { release: "v2" } });
    migrate.gate(release);
    new TerraformOutput(this, "exit_code", { value: migrate.exitCode });
  }
}

const app = new App();
new Gate(app, "gate");
app.synth();
EOF
  # Every subpath a user of this core imports, with the types they name.
  {
    echo "import type { GuestProcess, GuestProcessProps, VsphereguestProviderConfig } from \"vsphere-guest/$core\";"
    echo 'import { type ProcessInfo, VCenterClient } from "vsphere-guest/vcenter";'
    echo 'import { Simulator } from "vsphere-guest/simulator";'
    if [ "$core" = cdktf ]; then
      echo 'import { GuestProcess as MainGuestProcess, VCenterClient as MainClient } from "vsphere-guest";'
      echo 'import { GuestProcess as ConstructsGuestProcess } from "vsphere-guest/constructs";'
      echo 'export const mainEntries = [MainGuestProcess, MainClient, ConstructsGuestProcess];'
    fi
    echo 'export type Named = [GuestProcess, GuestProcessProps, VsphereguestProviderConfig, ProcessInfo];'
    echo 'export const values = [VCenterClient, Simulator];'
  } >types.ts
  cat >tsconfig.json <<'EOF'
{
  "compilerOptions": {
    "target": "ES2020",
    "module": "commonjs",
    "strict": true,
    "esModuleInterop": true,
    "types": ["node"],
    "outDir": "dist"
  },
  "include": ["main.ts", "types.ts"]
}
EOF
  step "$core: tsc with node10 (the default for module commonjs), node16 and bundler module resolution"
  for resolution in node10 node16 bundler; do
    case $resolution in
      node10) flags=(-p .) ;;
      # The node10 run checks every declaration file; these two check how the imports resolve.
      node16) flags=(-p . --noEmit --skipLibCheck --module node16 --moduleResolution node16) ;;
      bundler) flags=(-p . --noEmit --skipLibCheck --module esnext --moduleResolution bundler) ;;
    esac
    if ! npx --no-install tsc "${flags[@]}" >"$work/tsc.log" 2>&1; then
      cat "$work/tsc.log" >&2
      fail "$core: tsc with $resolution module resolution"
    fi
    echo "  $resolution: ok" >&2
  done

  step "$core: run the app (it synthesizes itself, as \`$core synth\` runs it)"
  quietly env CDKTF_OUTDIR="$app/out" node dist/main.js
  stack="$app/out/$(node -p "require('./out/manifest.json').stacks.gate.synthesizedStackPath")"
  [ -f "$stack" ] || fail "$core: the app wrote no $stack"
  stack_dir=$(dirname "$stack")

  step "$core: vsphere-guest provider install, from the installed package"
  cli="$app/node_modules/.bin/vsphere-guest"
  quietly env HOME="$tofu_home" "$cli" provider install

  if [ -z "$sim_pid" ]; then
    step "the simulator, from the installed package"
    : >"$work/sim.json" # exists before the background shell opens it
    "$cli" simulator --port 0 >>"$work/sim.json" 2>"$work/sim.err" &
    sim_pid=$!
    for _ in $(seq 1 300); do
      [ "$(wc -l <"$work/sim.json")" -ge 1 ] && break # the first line is complete
      kill -0 "$sim_pid" 2>/dev/null || {
        cat "$work/sim.err" >&2
        fail "the simulator exited"
      }
      sleep 0.1
    done
    [ "$(wc -l <"$work/sim.json")" -ge 1 ] || fail "the simulator printed nothing in 30 s"
    # The first line the simulator printed, as VSPHERE_* variables (with vm-1001's guest account).
    sim_field() {
      node -e '
        const d = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8").split("\n")[0]);
        const vm = d.vms.find((v) => v.vm === "vm-1001");
        process.stdout.write(String(process.argv[2].startsWith("guest_") ? vm[process.argv[2]] : d[process.argv[2]]));
      ' "$work/sim.json" "$1"
    }
    VSPHERE_SERVER=$(sim_field server)
    VSPHERE_USER=$(sim_field user)
    VSPHERE_PASSWORD=$(sim_field password)
    VSPHERE_CA_FILE=$(sim_field ca_file)
    VSPHERE_GUEST_USER=$(sim_field guest_user)
    VSPHERE_GUEST_PASSWORD=$(sim_field guest_password)
    export VSPHERE_SERVER VSPHERE_USER VSPHERE_PASSWORD VSPHERE_CA_FILE VSPHERE_GUEST_USER VSPHERE_GUEST_PASSWORD
  fi

  step "$core: tofu init and plan against the simulator"
  run_tofu() {
    (cd "$stack_dir" && env HOME="$tofu_home" TF_CLI_CONFIG_FILE="$work/cli.tfrc" TF_IN_AUTOMATION=1 \
      "$tofu" "$@" -input=false -no-color)
  }
  run_tofu init >"$work/init.log" 2>&1 || {
    cat "$work/init.log" >&2
    fail "$core: tofu init"
  }

  pid=$("$cli" process start --vm vm-1001 -- /bin/sh -c 'exit 0') || fail "process start"
  if ! run_tofu plan -var "pid=$pid" >"$work/plan.log" 2>&1; then
    cat "$work/plan.log" >&2
    fail "$core: the plan failed for a process that exited 0"
  fi
  grep -q "terraform_data.release will be created" "$work/plan.log" || {
    cat "$work/plan.log" >&2
    fail "$core: the gated resource was not planned"
  }
  echo "  exit 0: gate passed, terraform_data.release planned" >&2

  pid=$("$cli" process start --vm vm-1001 -- /bin/sh -c 'exit 3') || fail "process start"
  if run_tofu plan -var "pid=$pid" >"$work/plan.log" 2>&1; then
    cat "$work/plan.log" >&2
    fail "$core: the plan passed for a process that exited 3"
  fi
  grep -q "guest process $pid in vm-1001 exited with code 3; expected 0" "$work/plan.log" || {
    cat "$work/plan.log" >&2
    fail "$core: the failed plan lacks the gate's message"
  }
  echo "  exit 3: the plan failed with the gate's message" >&2
done

echo "check-package: the packed package works for cdktf and cdktn ($((SECONDS - started)) s)" >&2
