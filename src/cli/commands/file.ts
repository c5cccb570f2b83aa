/** `vsphere-guest file upload|download|rm`: guest files from the command line. */

import { createReadStream, createWriteStream } from "node:fs";
import { rename, rm, stat } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { parseByteSize } from "../../util/byte-size";
import { quote } from "../../util/quote";
import { VCenterClient } from "../../vcenter/client";
import {
  CONNECTION_HELP,
  clientOptionsFrom,
  guestCredentialsFrom,
  resolveVm,
  vmSelectionFrom,
} from "../connection";
import { UsageError } from "../errors";
import { type CommandSpec, commandHelp, readSubcommand, VM_OPTIONS } from "../options";
import type { CommandIo } from "./io";

/** `vsphere-guest file`: every subcommand with its own options. */
export const FILE_SPEC: CommandSpec = {
  name: "file",
  note: "Transfers go to the ESXi host running the VM, over TLS verified with the same CA as vCenter.",
  subcommands: {
    upload: {
      summary: "copy a local file into the guest",
      args: "LOCAL GUEST_PATH",
      options: {
        ...VM_OPTIONS,
        mode: {
          type: "string",
          value: "0755",
          help: "POSIX permissions of the new file (POSIX guests only)",
        },
        overwrite: { type: "boolean", help: "replace an existing guest file" },
      },
      description:
        "Copies LOCAL (or - for stdin) to GUEST_PATH in the guest. An existing guest file is replaced only\nwith --overwrite. --mode sets POSIX permissions (POSIX guests only; the guest's default is 0644).",
    },
    download: {
      summary: "copy a guest file here (or to stdout)",
      args: "GUEST_PATH [LOCAL|-]",
      options: {
        ...VM_OPTIONS,
        "max-bytes": { type: "string", value: "SIZE", help: "refuse a larger file (e.g. 64MiB)" },
      },
      description:
        "Copies GUEST_PATH from the guest to LOCAL (written whole or not at all), or to stdout with - or\nwithout LOCAL. --max-bytes refuses a larger file (e.g. 64MiB).",
    },
    rm: {
      summary: "delete a guest file (or, with --recursive, a directory)",
      args: "GUEST_PATH",
      options: {
        ...VM_OPTIONS,
        recursive: { type: "boolean", short: "r", help: "delete a directory and everything in it" },
      },
      description: "Deletes a guest file; with --recursive, a guest directory and everything in it.",
    },
  },
};

/** Help of `vsphere-guest file`. */
export const FILE_HELP = commandHelp(FILE_SPEC, CONNECTION_HELP);

/** Runs `vsphere-guest file ...`; returns the exit code. */
export async function fileCommand(argv: string[], io: CommandIo): Promise<number> {
  const line = readSubcommand(FILE_SPEC, argv, FILE_HELP);
  if ("help" in line) {
    io.stdout.write(`${line.help}\n`);
    return line.exitCode;
  }
  const { sub, command, values, positionals } = line;
  const wanted = sub === "upload" ? [2, 2] : sub === "download" ? [1, 2] : [1, 1];
  if (positionals.length < wanted[0]! || positionals.length > wanted[1]!) {
    throw new UsageError(
      `expected ${sub === "upload" ? "LOCAL GUEST_PATH" : sub === "download" ? "GUEST_PATH [LOCAL|-]" : "GUEST_PATH"}, got ${positionals.length} argument(s)`,
      command,
    );
  }
  if (typeof values.mode === "string" && !/^[0-7]{3,4}$/.test(values.mode)) {
    throw new UsageError(`--mode ${quote(values.mode)} is not octal permissions like 0755`, command);
  }
  let maxBytes: number | undefined;
  if (typeof values["max-bytes"] === "string") {
    const size = parseByteSize(values["max-bytes"]);
    if ("error" in size) throw new UsageError(`--max-bytes ${size.error}`, command);
    maxBytes = size.bytes;
  }
  const selection = vmSelectionFrom(values, command);
  const client = new VCenterClient(clientOptionsFrom(values, io.env, command));
  const credentials = guestCredentialsFrom(values, io.env);
  try {
    const vm = await resolveVm(client, selection, io.signal);
    if (sub === "rm") {
      const path = positionals[0]!;
      if (values.recursive === true) {
        await client.deleteDirectory(vm, credentials, path, { recursive: true }, io.signal);
      } else {
        await client.deleteFile(vm, credentials, path, io.signal);
      }
      return 0;
    }
    if (sub === "upload") {
      const [local, guestPath] = positionals as [string, string];
      const options = {
        overwrite: values.overwrite === true,
        ...(typeof values.mode === "string" ? { mode: values.mode } : {}),
        signal: io.signal,
      };
      if (local === "-") {
        await client.uploadFile(vm, credentials, guestPath, await readStdin(io), options);
      } else {
        const info = await stat(local).catch(() => undefined);
        if (info === undefined || !info.isFile()) {
          throw new UsageError(`${quote(local)} is not a readable local file`, command);
        }
        await client.uploadFile(
          vm,
          credentials,
          guestPath,
          { stream: createReadStream(local), size: info.size },
          options,
        );
      }
      return 0;
    }
    const [guestPath, local = "-"] = positionals as [string, string?];
    if (local === "-") {
      await client.downloadFileTo(vm, credentials, guestPath, io.stdout, {
        ...(maxBytes !== undefined ? { maxBytes } : {}),
        signal: io.signal,
      });
      return 0;
    }
    // Written beside the target and renamed: a failed download never leaves half a file.
    const partial = join(dirname(local), `.${basename(local)}.vsphere-guest-${process.pid}`);
    try {
      const sink = createWriteStream(partial, { flags: "w", mode: 0o644 });
      const opened = new Promise<void>((resolve, reject) => {
        sink.once("open", () => resolve());
        sink.once("error", reject);
      });
      await opened.catch((error: NodeJS.ErrnoException) => {
        throw new UsageError(`cannot write ${quote(local)} (${error.code ?? error.message})`, command);
      });
      await client.downloadFileTo(vm, credentials, guestPath, sink, {
        ...(maxBytes !== undefined ? { maxBytes } : {}),
        signal: io.signal,
      });
      await new Promise<void>((resolve, reject) =>
        sink.end((error?: Error | null) => (error ? reject(error) : resolve())),
      );
      await rename(partial, local);
    } finally {
      await rm(partial, { force: true });
    }
    return 0;
  } finally {
    await client.close();
  }
}

async function readStdin(io: CommandIo): Promise<Buffer> {
  const input = io.stdin ?? process.stdin;
  const chunks: Buffer[] = [];
  for await (const chunk of input) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string));
  return Buffer.concat(chunks);
}
