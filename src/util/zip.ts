/**
 * A minimal, reproducible ZIP writer for release archives (`npm run release`): deflated entries,
 * Unix permissions in the external attributes (so `tofu init`/`terraform init` unpack the provider
 * as an executable), a fixed timestamp (the same input gives the same bytes, and so the same
 * `zh:` hash), no ZIP64 (entries and archives below 4 GiB).
 */

import { crc32, deflateRawSync } from "node:zlib";

/** One file of an archive. */
export interface ZipEntry {
  /** Path inside the archive, `/`-separated. */
  name: string;
  data: Buffer;
  /** Unix permission bits. @default 0o644 */
  mode?: number;
}

const LIMIT = 0xffffffff;
/** 1980-01-01 00:00:00, the earliest MS-DOS date: every entry gets it. */
const DOS_TIME = 0;
const DOS_DATE = (0 << 9) | (1 << 5) | 1;
/** "Version made by": Unix (3), ZIP 2.0 — tells unzippers to read the mode bits. */
const MADE_BY = (3 << 8) | 20;
const NEEDED = 20;
const UTF8_NAMES = 0x0800;
const DEFLATE = 8;

/** The archive holding `entries`, in their order. */
export function zip(entries: readonly ZipEntry[]): Buffer {
  const parts: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const entry of entries) {
    if (entry.name === "" || entry.name.startsWith("/") || entry.name.split("/").includes(".."))
      throw new RangeError(`zip entry name ${JSON.stringify(entry.name)}: use a relative path without '..'`);
    const name = Buffer.from(entry.name, "utf8");
    const compressed = deflateRawSync(entry.data, { level: 6 });
    const crc = crc32(entry.data) >>> 0;
    if (entry.data.length > LIMIT || compressed.length > LIMIT || offset > LIMIT)
      throw new RangeError(`zip entry ${entry.name}: larger than 4 GiB, which this writer does not support`);

    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(NEEDED, 4);
    local.writeUInt16LE(UTF8_NAMES, 6);
    local.writeUInt16LE(DEFLATE, 8);
    local.writeUInt16LE(DOS_TIME, 10);
    local.writeUInt16LE(DOS_DATE, 12);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(compressed.length, 18);
    local.writeUInt32LE(entry.data.length, 22);
    local.writeUInt16LE(name.length, 26);
    local.writeUInt16LE(0, 28);

    const header = Buffer.alloc(46);
    header.writeUInt32LE(0x02014b50, 0);
    header.writeUInt16LE(MADE_BY, 4);
    header.writeUInt16LE(NEEDED, 6);
    header.writeUInt16LE(UTF8_NAMES, 8);
    header.writeUInt16LE(DEFLATE, 10);
    header.writeUInt16LE(DOS_TIME, 12);
    header.writeUInt16LE(DOS_DATE, 14);
    header.writeUInt32LE(crc, 16);
    header.writeUInt32LE(compressed.length, 20);
    header.writeUInt32LE(entry.data.length, 24);
    header.writeUInt16LE(name.length, 28);
    // extra field, comment, disk number start, internal attributes: all zero
    header.writeUInt32LE((((entry.mode ?? 0o644) & 0o7777) | 0o100000) * 0x10000, 38); // regular file
    header.writeUInt32LE(offset, 42);

    parts.push(local, name, compressed);
    central.push(header, name);
    offset += local.length + name.length + compressed.length;
  }
  const directory = Buffer.concat(central);
  if (entries.length > 0xffff || offset > LIMIT)
    throw new RangeError("zip: too many entries or too large for an archive without ZIP64");
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...parts, directory, end]);
}
