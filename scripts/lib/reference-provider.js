/**
 * The reference Go provider (bench/reference-provider): built once per hash of its source with
 * `go build` and cached in ~/.cache/vsphere-guest/reference-provider/<hash>/, so every script runs
 * the build of the source in this checkout, never an older one left in the cache.
 */
const { execFileSync } = require("node:child_process");
const crypto = require("node:crypto");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");

const root = path.resolve(__dirname, "..", "..");
const source = path.join(root, "bench", "reference-provider");
const cacheDir = path.join(os.homedir(), ".cache", "vsphere-guest", "reference-provider");

/** Its type prefix and the version it is installed as. */
const REFERENCE_NAME = "vsphereguestref";
const REFERENCE_VERSION = "0.1.0";

/**
 * Where the build of the current source lives (whether built yet or not).
 * @returns {string}
 */
function referenceExecutablePath() {
  const hash = crypto.createHash("sha256");
  for (const file of ["go.mod", "go.sum", "main.go"]) hash.update(fs.readFileSync(path.join(source, file)));
  return path.join(cacheDir, hash.digest("hex").slice(0, 16), `terraform-provider-${REFERENCE_NAME}`);
}

/**
 * The reference provider built from this checkout's source, building it first when it is not in
 * the cache yet (a note on stderr; a few minutes on a cold Go module cache). Throws a clear error
 * when Go is missing or the build fails.
 * @returns {string} the executable's path
 */
function referenceProvider() {
  const exe = referenceExecutablePath();
  if (fs.existsSync(exe)) return exe;
  const dir = path.dirname(exe);
  fs.mkdirSync(dir, { recursive: true });
  console.error(
    `building the reference Go provider into ${dir} (once; a few minutes on a cold module cache)`,
  );
  const temporary = `${exe}.${process.pid}.tmp`;
  try {
    execFileSync("go", ["build", "-trimpath", "-o", temporary, "."], {
      cwd: source,
      stdio: ["ignore", "inherit", "inherit"],
    });
  } catch (error) {
    fs.rmSync(temporary, { force: true });
    throw new Error(
      `cannot build bench/reference-provider with go (${error.message.split("\n")[0]}); install Go 1.25+ and retry`,
    );
  }
  fs.renameSync(temporary, exe);
  return exe;
}

module.exports = { referenceProvider, referenceExecutablePath, REFERENCE_NAME, REFERENCE_VERSION };
