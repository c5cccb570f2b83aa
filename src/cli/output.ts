/** Printing results: JSON with the API's snake_case names, bigints as exact numbers. */
import type { ProcessInfo, ProcessSummary } from "../vcenter/types";
import type { WireProcessInfo } from "../vcenter/wire";

/** `JSON.stringify` that writes bigints as plain JSON numbers, digit for digit. */
export function toJson(value: unknown, indent?: number): string {
  const marks: string[] = [];
  const text = JSON.stringify(
    value,
    (_k, v: unknown) => {
      if (typeof v === "bigint") {
        marks.push(v.toString());
        return `\u0000big${marks.length - 1}\u0000`;
      }
      return v;
    },
    indent,
  );
  return text.replace(/"\\u0000big(\d+)\\u0000"/g, (_m, i: string) => marks[Number(i)]!);
}

/** A process Info in the API's wire form, with an exit code beyond 2^53 kept as an exact bigint. */
export type PrintedProcessInfo = Omit<WireProcessInfo, "exit_code"> & { exit_code?: number | bigint };

/** A process Info in the API's wire form. */
export function infoToWire(info: ProcessInfo): PrintedProcessInfo {
  const wire: PrintedProcessInfo = {
    name: info.name,
    owner: info.owner,
    command: info.command,
    started: info.started,
  };
  if (info.finished !== undefined) wire.finished = info.finished;
  if (info.exitCode !== undefined) wire.exit_code = info.exitCode;
  return wire;
}

/** A process Summary in the API's wire form. */
export function summaryToWire(s: ProcessSummary): Record<string, unknown> {
  return { pid: s.pid, name: s.name, owner: s.owner, command: s.command, started: s.started };
}
