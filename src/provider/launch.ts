/**
 * Fast start of the provider executable: loads the single-file bundle of the provider
 * (`lib/provider/main.bundle.js`, made by `npm run build`) with a V8 code cache beside it.
 *
 * Every tofu/terraform command starts the provider several times, and most of a cold start is
 * V8 compiling JavaScript (the bundle is ~0.8 MB). Node 20 has no built-in compile cache, so
 * we keep our own: after the first start the compiled code of everything the start-up ran is
 * saved to `<bundle>.cache`, and later starts deserialize it instead of compiling again.
 *
 * The cache is only a speed-up: when it is missing, stale or unwritable, the bundle is compiled
 * as usual. It starts with the SHA-256 of the bundle it was made from, because V8 itself only
 * checks the source length. It is written atomically (temporary file and rename) since several
 * provider processes start at once, and only beside the bundle: a code cache is executable code,
 * so it must never come from a place others can write to.
 */

import * as crypto from "node:crypto";
import * as fs from "node:fs";
import Module from "node:module";
import * as path from "node:path";
import * as vm from "node:vm";

/** Length of the SHA-256 prefix of a cache file. */
const HASH_BYTES = 32;

/** What {@link loadBundle} did, for tests and the benchmark. */
export interface LoadResult {
  /** `used`: compiled code came from the cache; otherwise why it did not. */
  cache: "used" | "missing" | "stale" | "rejected";
  /** Whether a new cache file was written. */
  wrote: boolean;
  /** What the bundle exported. */
  exports: unknown;
}

/** The cache file of a bundle. */
export function cachePathOf(bundlePath: string): string {
  return `${bundlePath}.cache`;
}

function readCache(cachePath: string, sourceHash: Buffer): { data?: Buffer; state: LoadResult["cache"] } {
  let file: Buffer;
  try {
    file = fs.readFileSync(cachePath);
  } catch {
    return { state: "missing" };
  }
  if (file.length <= HASH_BYTES || !file.subarray(0, HASH_BYTES).equals(sourceHash))
    return { state: "stale" };
  return { data: file.subarray(HASH_BYTES), state: "used" };
}

/** Writes the cache; `makeData` runs only once the temporary file could be created. */
function writeCache(cachePath: string, sourceHash: Buffer, makeData: () => Buffer): boolean {
  const temporary = `${cachePath}.${process.pid}.tmp`;
  let fd: number;
  try {
    fd = fs.openSync(temporary, "w", 0o644);
  } catch {
    return false; // not writable here: no need to make the cache at all
  }
  try {
    try {
      fs.writeFileSync(fd, Buffer.concat([sourceHash, makeData()]));
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(temporary, cachePath);
    return true;
  } catch {
    try {
      fs.unlinkSync(temporary);
    } catch {
      // nothing was written
    }
    return false;
  }
}

/**
 * Runs the CommonJS file `bundlePath` as the main module of the process, using (and, when
 * needed, refreshing) its code cache. Before a new cache is made, the bundle's optional
 * `prepareCodeCache` export runs, to load what later calls need into the cache too.
 */
export function loadBundle(bundlePath: string): LoadResult {
  const filename = path.resolve(bundlePath);
  const source = fs.readFileSync(filename, "utf8");
  const sourceHash = crypto.createHash("sha256").update(source).digest();
  const cachePath = cachePathOf(filename);
  const cached = readCache(cachePath, sourceHash);

  const script = new vm.Script(Module.wrap(source), { filename, cachedData: cached.data });
  const state: LoadResult["cache"] = cached.data && script.cachedDataRejected ? "rejected" : cached.state;

  const mod = new Module(filename, require.main);
  mod.filename = filename;
  mod.paths = (Module as unknown as { _nodeModulePaths(dir: string): string[] })._nodeModulePaths(
    path.dirname(filename),
  );
  const wrapper = script.runInThisContext() as (
    exports: unknown,
    require: NodeJS.Require,
    module: Module,
    __filename: string,
    __dirname: string,
  ) => void;
  wrapper.call(
    mod.exports,
    mod.exports,
    Module.createRequire(filename),
    mod,
    filename,
    path.dirname(filename),
  );
  mod.loaded = true;

  // The top level has now run (everything up to the server's bind), so the cache made here holds
  // the compiled code of the whole start-up, not just the outermost function.
  // A bundle may load more first (what later calls need) through its `prepareCodeCache` export.
  const wrote =
    state !== "used" && writeCache(cachePath, sourceHash, () => cachedDataOf(script, mod.exports));
  return { cache: state, wrote, exports: mod.exports };
}

/** The code cache of a bundle that has run, after its optional `prepareCodeCache` export. */
function cachedDataOf(script: vm.Script, exports: unknown): Buffer {
  const prepare = (exports as { prepareCodeCache?: unknown } | null)?.prepareCodeCache;
  try {
    if (typeof prepare === "function") prepare();
  } catch {
    // only a speed-up: the cache then holds the start-up alone
  }
  return script.createCachedData();
}
