/**
 * What the benchmark scripts set up before they run a host: a throw-away HOME with the providers
 * in its implied local mirror (~/.terraform.d/plugins), the simulator with finished guest
 * processes to read, and the environment a host runs with (VSPHERE_* for the simulator, an empty
 * CLI configuration, no checkpoint calls).
 */
const { spawnSync } = require("node:child_process");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const { REFERENCE_NAME, REFERENCE_VERSION } = require("./reference-provider");

const root = path.resolve(__dirname, "..", "..");
/** The launcher a host runs when the provider is installed with `--launcher`. */
const launcherBin = path.join(root, "bin", "terraform-provider-vsphereguest");
/** The single executable `npm run package` builds for this machine. */
const singleExecutableBin = path.join(root, "dist", "terraform-provider-vsphereguest");
const PLATFORM = `linux_${process.arch === "x64" ? "amd64" : process.arch}`;

/**
 * @typedef {object} Workspace
 * @property {string} work the temporary directory (removed by {@link Workspace.remove})
 * @property {string} home the HOME the hosts run with
 * @property {string} cliConfig an empty CLI configuration file (TF_CLI_CONFIG_FILE)
 * @property {() => void} remove deletes the whole directory
 */

/**
 * A new temporary directory with an empty HOME and an empty CLI configuration.
 * @param {string} prefix e.g. "vsg-bench-plan-"
 * @returns {Workspace}
 */
function createWorkspace(prefix) {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  const home = path.join(work, "home");
  fs.mkdirSync(home);
  const cliConfig = path.join(work, "cli.tfrc");
  fs.writeFileSync(cliConfig, "");
  return { work, home, cliConfig, remove: () => fs.rmSync(work, { recursive: true, force: true }) };
}

/**
 * The single executable of `npm run package` for this machine and its build record, or a clear
 * error when it is not built.
 * @returns {{ path: string, size: number, node: string, start: "snapshot" | "script", codeCache: boolean }}
 */
function singleExecutable() {
  if (!fs.existsSync(singleExecutableBin))
    throw new Error(`${singleExecutableBin} is missing: run npm run package`);
  let record = {};
  try {
    record = JSON.parse(fs.readFileSync(path.join(root, "dist", PLATFORM, "build.json"), "utf8"));
  } catch {
    // an older build without its record: size from the file, Node.js version unknown
  }
  return {
    path: singleExecutableBin,
    size: fs.statSync(singleExecutableBin).size,
    node: typeof record.node === "string" ? record.node : "unknown",
    // Builds before the startup snapshot recorded no `start`: they ran the bundle as a script.
    start: record.start === "snapshot" ? "snapshot" : "script",
    codeCache: record.codeCache === true,
  };
}

/**
 * Installs our provider into `home`'s implied local mirror with `vsphere-guest provider install`:
 * the single executable of `npm run package` ("executable"), or the launcher that runs this
 * checkout with this Node.js ("launcher"). Throws with the command's output when it fails.
 * @param {string} home
 * @param {"executable" | "launcher"} form
 * @param {string} [executable] another single executable to install (form "executable")
 */
function installProvider(home, form, executable) {
  const args = form === "launcher" ? ["--launcher"] : ["--executable", executable ?? singleExecutable().path];
  const r = spawnSync(
    process.execPath,
    [path.join(root, "bin", "vsphere-guest"), "provider", "install", ...args],
    {
      env: { ...process.env, HOME: home },
      encoding: "utf8",
    },
  );
  if (r.status !== 0)
    throw new Error(`vsphere-guest provider install ${args.join(" ")} failed:\n${r.stderr}${r.stdout}`);
}

/**
 * Installs the reference Go provider `exe` into `home`'s implied local mirror, as
 * vsphere-guest/vsphereguestref for both registries (the layout `provider install` uses for ours).
 * @param {string} home
 * @param {string} exe
 */
function installReference(home, exe) {
  for (const registry of ["registry.terraform.io", "registry.opentofu.org"]) {
    const target = path.join(
      home,
      ".terraform.d",
      "plugins",
      registry,
      "vsphere-guest",
      REFERENCE_NAME,
      REFERENCE_VERSION,
      PLATFORM,
    );
    fs.mkdirSync(target, { recursive: true });
    const file = path.join(target, `terraform-provider-${REFERENCE_NAME}_v${REFERENCE_VERSION}`);
    fs.copyFileSync(exe, file);
    fs.chmodSync(file, 0o755);
  }
}

/**
 * @typedef {object} Lab
 * @property {import("../../lib/simulator").Simulator} sim
 * @property {import("../../lib/vcenter").VCenterClient} client logged in as the simulator's user
 * @property {{ userName: string, password: string }} guest vm-1001's guest credentials
 * @property {() => Promise<void>} close closes the client and the simulator
 */

/**
 * A module of the build in lib/, or a clear error when lib/ is not built.
 * @param {string} name e.g. "simulator"
 */
function built(name) {
  const file = path.join(root, "lib", name);
  try {
    return require(file);
  } catch (error) {
    if (error?.code === "MODULE_NOT_FOUND" && String(error.message).includes(file))
      throw new Error(`lib/${name} is missing: run npm run build first`);
    throw error;
  }
}

/**
 * Starts the simulator and a client of it, with vm-1001's guest credentials.
 * @returns {Promise<Lab>}
 */
async function startLab() {
  const { Simulator } = built("simulator");
  const { VCenterClient } = built("vcenter");
  const sim = await Simulator.start({});
  const vm = sim.describe().vms.find((v) => v.vm === "vm-1001");
  const guest = { userName: vm.guest_user, password: vm.guest_password };
  const client = new VCenterClient({
    server: sim.server,
    user: sim.user,
    password: sim.password,
    caFile: sim.caFile,
  });
  return {
    sim,
    client,
    guest,
    close: async () => {
      await client.close();
      await sim.close();
    },
  };
}

/**
 * Starts `n` guest processes (`/bin/true`) on vm-1001 and waits until all have finished.
 * @param {Lab} lab
 * @param {number} n
 * @returns {Promise<string[]>} their pids
 */
async function finishedProcesses(lab, n) {
  const pids = [];
  for (let i = 0; i < n; i++)
    pids.push(await lab.client.createProcess("vm-1001", lab.guest, { path: "/bin/true" }));
  for (const pid of pids) await lab.client.waitForExit("vm-1001", pid, lab.guest, { timeoutMs: 30_000 });
  return pids;
}

/**
 * The provider's environment for the simulator: VSPHERE_* (server, user, password, CA file,
 * guest credentials), and NODE_EXTRA_CA_CERTS when it is set here, so that whatever the
 * benchmark's environment, every provider sees the same one.
 * @param {Lab} lab
 * @param {string} [server] another address for VSPHERE_SERVER (e.g. a proxy in front of it)
 * @returns {Record<string, string>}
 */
function vsphereEnv(lab, server = lab.sim.server) {
  const env = {
    VSPHERE_SERVER: server,
    VSPHERE_USER: lab.sim.user,
    VSPHERE_PASSWORD: lab.sim.password,
    VSPHERE_CA_FILE: lab.sim.caFile,
    VSPHERE_GUEST_USER: lab.guest.userName,
    VSPHERE_GUEST_PASSWORD: lab.guest.password,
  };
  if (process.env.NODE_EXTRA_CA_CERTS) env.NODE_EXTRA_CA_CERTS = process.env.NODE_EXTRA_CA_CERTS;
  return env;
}

/**
 * The environment a host runs with in `ws`: PATH, the throw-away HOME, its empty CLI
 * configuration, no checkpoint calls, and {@link vsphereEnv}.
 * @param {Workspace} ws
 * @param {Lab} lab
 * @returns {Record<string, string>}
 */
function hostEnv(ws, lab) {
  return {
    PATH: process.env.PATH ?? "",
    HOME: ws.home,
    TF_CLI_CONFIG_FILE: ws.cliConfig,
    TF_IN_AUTOMATION: "1",
    CHECKPOINT_DISABLE: "1",
    ...vsphereEnv(lab),
  };
}

/**
 * A configuration reading `pids` (finished processes of vm-1001) with the `<name>_process` data
 * source of provider `name`; `extra(i)` adds lines to the i-th block.
 * @param {string} name "vsphereguest" or the reference's
 * @param {readonly string[]} pids
 * @param {(i: number) => string} [extra]
 * @returns {string}
 */
function readsConfig(name, pids, extra = () => "") {
  const blocks = pids
    .map((pid, i) => `data "${name}_process" "p${i}" {\n  vm  = "vm-1001"\n  pid = ${pid}\n${extra(i)}}\n`)
    .join("");
  return `terraform {\n  required_providers {\n    ${name} = { source = "vsphere-guest/${name}" }\n  }\n}\nprovider "${name}" {}\n${blocks}`;
}

/**
 * How our provider is installed, as the scripts print it.
 * @param {"executable" | "launcher"} form
 * @returns {string}
 */
function describeForm(form) {
  if (form === "launcher") return "the launcher (node + bin/terraform-provider-vsphereguest)";
  const exe = singleExecutable();
  return `the single executable (dist/terraform-provider-vsphereguest, ${(exe.size / 1048576).toFixed(1)} MiB, Node.js ${exe.node} inside, ${exe.start === "snapshot" ? "starts from a startup snapshot" : exe.codeCache ? "with a code cache" : "without a code cache"})`;
}

module.exports = {
  root,
  launcherBin,
  singleExecutableBin,
  createWorkspace,
  singleExecutable,
  installProvider,
  installReference,
  startLab,
  finishedProcesses,
  vsphereEnv,
  hostEnv,
  readsConfig,
  describeForm,
};
