/** The release archive writer, checked with an independent unzipper (Info-ZIP's `unzip`). */
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { zip } from "../../src/util/zip";

const hasUnzip = spawnSync("unzip", ["-v"], { stdio: "ignore" }).status === 0;
const withUnzip = hasUnzip ? test : test.skip;
if (!hasUnzip) process.stderr.write("zip.test: `unzip` is not installed; skipping the checks that use it\n");

const big = Buffer.alloc(300_000, "provider ");
const entries = [
  { name: "terraform-provider-vsphereguest_v0.1.0", data: big, mode: 0o755 },
  { name: "docs/README.txt", data: Buffer.from("héllo\n") },
];

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "vsg-zip-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

withUnzip("unzip reads the entries back, byte for byte, with their permissions", () => {
  const file = join(dir, "a.zip");
  writeFileSync(file, zip(entries));
  expect(spawnSync("unzip", ["-tq", file], { encoding: "utf8" }).status).toBe(0);
  expect(execFileSync("unzip", ["-p", file, entries[0].name]).equals(big)).toBe(true);
  expect(execFileSync("unzip", ["-p", file, "docs/README.txt"], { encoding: "utf8" })).toBe("héllo\n");
  const listing = execFileSync("unzip", ["-Z", file], { encoding: "utf8" });
  expect(listing).toMatch(/^-rwxr-xr-x\s.*terraform-provider-vsphereguest_v0\.1\.0$/m);
  expect(listing).toMatch(/^-rw-r--r--\s.*docs\/README\.txt$/m);
});

test("is reproducible: the same entries give the same bytes, and compresses", () => {
  const a = zip(entries);
  expect(zip(entries).equals(a)).toBe(true);
  expect(a.length).toBeLessThan(big.length / 10);
});

test.each(["", "/etc/passwd", "a/../../b"])("refuses the entry name %j", (name) => {
  expect(() => zip([{ name, data: Buffer.alloc(1) }])).toThrow(/use a relative path without '\.\.'/);
});
