/**
 * The Terraform/OpenTofu hosts the benchmark scripts run, and running them: the hosts built by
 * scripts/build-hosts.sh (in $VSPHERE_GUEST_HOSTS_DIR, default ~/.cache/vsphere-guest/hosts) and
 * the Terraform installed as /usr/local/bin/terraform.
 */
const { execFileSync, spawn } = require("node:child_process");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");

/** Where scripts/build-hosts.sh keeps the built hosts. */
const hostsDir =
  process.env.VSPHERE_GUEST_HOSTS_DIR ?? path.join(os.homedir(), ".cache", "vsphere-guest", "hosts");
const INSTALLED_TERRAFORM = "/usr/local/bin/terraform";

/**
 * @typedef {object} Host
 * @property {"tofu" | "terraform"} kind
 * @property {string} bin the executable
 * @property {string} name e.g. "OpenTofu 1.12.6"
 */

/** The built hosts there are, by directory name (e.g. "tofu-1.6.3"). */
function builtHosts() {
  try {
    return fs
      .readdirSync(hostsDir)
      .filter((d) => /^(tofu|terraform)-\d+\.\d+\.\d+$/.test(d))
      .sort();
  } catch {
    return [];
  }
}

/**
 * A host built by scripts/build-hosts.sh, by its directory name ("tofu-1.6.3", "terraform-1.5.7").
 * Throws an error naming the value and the built hosts when it is not one.
 * @param {string} dirName
 * @returns {Host}
 */
function builtHost(dirName) {
  const m = /^(tofu|terraform)-(\d+\.\d+\.\d+)$/.exec(dirName);
  const known = builtHosts();
  if (!m)
    throw new Error(
      `host ${JSON.stringify(dirName)}: give a built host as KIND-VERSION, e.g. ${known.join(", ") || "tofu-1.12.6"}`,
    );
  const bin = path.join(hostsDir, dirName, m[1]);
  if (!fs.existsSync(bin))
    throw new Error(
      `${bin} is missing: run scripts/build-hosts.sh${known.length ? ` (built: ${known.join(", ")})` : ""}`,
    );
  return { kind: /** @type {"tofu" | "terraform"} */ (m[1]), bin, name: `${kindName(m[1])} ${m[2]}` };
}

/**
 * The host of a kind the comparisons use: OpenTofu 1.12.6 (built), and Terraform from
 * /usr/local/bin/terraform when present, else the built 1.5.7. The name carries the version the
 * host reports.
 * @param {"tofu" | "terraform"} kind
 * @returns {Host}
 */
function hostOfKind(kind) {
  const bin =
    kind === "tofu"
      ? path.join(hostsDir, "tofu-1.12.6", "tofu")
      : fs.existsSync(INSTALLED_TERRAFORM)
        ? INSTALLED_TERRAFORM
        : path.join(hostsDir, "terraform-1.5.7", "terraform");
  if (!fs.existsSync(bin)) throw new Error(`${bin} is missing: run scripts/build-hosts.sh`);
  const version = hostVersion(bin);
  return { kind, bin, name: `${kindName(kind)} ${version}` };
}

/** "OpenTofu" or "Terraform". */
function kindName(kind) {
  return kind === "tofu" ? "OpenTofu" : "Terraform";
}

/**
 * The version a host binary reports (`version`), e.g. "1.12.6", or "unknown".
 * @param {string} bin
 * @returns {string}
 */
function hostVersion(bin) {
  try {
    const out = execFileSync(bin, ["version"], {
      encoding: "utf8",
      env: { ...process.env, TF_CLI_CONFIG_FILE: "/dev/null", CHECKPOINT_DISABLE: "1" },
      stdio: ["ignore", "pipe", "ignore"],
    });
    return /v(\d+\.\d+\.\d+)/.exec(out)?.[1] ?? "unknown";
  } catch {
    return "unknown";
  }
}

/**
 * Runs a host command and collects its output. `watch(child)` is called once it is spawned and may
 * return a function called when it has exited (e.g. to stop sampling its children).
 * Resolves `{ code, ms, stdout, stderr }` whatever the exit status.
 * @param {string} bin
 * @param {string[]} args
 * @param {{ cwd: string, env: NodeJS.ProcessEnv, watch?: (child: import("node:child_process").ChildProcess) => (() => void) | undefined }} how
 * @returns {Promise<{ code: number | null, ms: number, stdout: string, stderr: string }>}
 */
function runHost(bin, args, how) {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(bin, args, { cwd: how.cwd, env: how.env, stdio: ["ignore", "pipe", "pipe"] });
    const stop = how.watch?.(child);
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("error", (error) => {
      stop?.();
      reject(new Error(`cannot run ${bin}: ${error.message}`));
    });
    child.on("close", (code) => {
      stop?.();
      resolve({ code, ms: Number(process.hrtime.bigint() - started) / 1e6, stdout, stderr });
    });
  });
}

/**
 * {@link runHost}, failing with the command's output when it exits non-zero.
 * @param {string} bin
 * @param {string[]} args
 * @param {Parameters<typeof runHost>[2]} how
 */
async function runHostOk(bin, args, how) {
  const r = await runHost(bin, args, how);
  if (r.code !== 0)
    throw new Error(`${path.basename(bin)} ${args[0]} failed (${r.code}):\n${r.stdout}\n${r.stderr}`);
  return r;
}

module.exports = { hostsDir, builtHost, builtHosts, hostOfKind, hostVersion, runHost, runHostOk };
