/**
 * The processes of one simulated guest: real local child processes started by `create`, the resident
 * processes of the inventory, and the exit codes kept for a while after a process ends.
 */

import { type ChildProcess, spawn } from "node:child_process";
import { constants as fsConstants } from "node:fs";
import { access, stat } from "node:fs/promises";
import { constants as osConstants } from "node:os";
import { basename, isAbsolute } from "node:path";
import { quote } from "../util/quote";
import type { WireCreateSpec } from "../vcenter/wire";
import type { InventoryProcess } from "./inventory";
import { ApiError } from "./responses";

/** The environment of a process created without `environment_variables`. */
export const DEFAULT_GUEST_ENVIRONMENT: Readonly<Record<string, string>> = {
  PATH: "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
};

/** The working directory of a process created without `working_directory`. */
export const DEFAULT_WORKING_DIRECTORY = "/";

/** One process as the API reports it. */
export interface GuestProcess {
  /** The pid: the real OS pid for created processes. */
  readonly pid: number;
  /** The program name (basename of the path). */
  readonly name: string;
  /** The guest user it runs as. */
  readonly owner: string;
  /** The command line, `"<path>" <arguments>` for created processes. */
  readonly command: string;
  /** When it started. */
  readonly started: Date;
  /** When it ended; only for processes started through `create`. */
  readonly finished?: Date;
  /** Its exit code (128 + signal number after a signal); only for processes started through `create`. */
  readonly exitCode?: number;
  /** Whether it comes from the inventory rather than from `create`. */
  readonly resident: boolean;
}

/** Settings of a {@link GuestProcessTable}. */
export interface GuestProcessTableOptions {
  /** How long a finished created process stays readable, in milliseconds. */
  retentionMs: number;
  /** On termination, how long to wait after SIGTERM before SIGKILL, in milliseconds. */
  terminateGraceMs: number;
  /** Start time of resident processes that do not state one. */
  bootTime: Date;
  /** The clock of start and finish times and of retention. @default the system clock */
  clock?: () => Date;
}

/** What {@link GuestProcessTable.terminate} did. */
export type TerminateOutcome = "signalled" | "already-finished" | "removed" | "not-found";

interface CreatedProcess {
  pid: number;
  name: string;
  owner: string;
  command: string;
  started: Date;
  finished?: Date;
  exitCode?: number;
  resident: false;
  child: ChildProcess;
  exited: Promise<void>;
  killTimer?: NodeJS.Timeout;
}

/** Single-quotes a string for `/bin/sh`. */
export function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

function exitCodeOf(code: number | null, signal: NodeJS.Signals | null): number {
  if (code !== null) return code;
  // Like a shell: death by signal N reads as 128 + N.
  const number = signal === null ? undefined : osConstants.signals[signal];
  return 128 + (number ?? 0);
}

function invalidSpec(field: string, message: string): ApiError {
  return new ApiError("INVALID_ARGUMENT", `spec.${field}: ${message}`, {
    id: "simulator.guest.processes.invalid_spec",
    args: [field],
  });
}

/**
 * The processes of one VM. Pids of created processes are real OS pids; a created process whose pid
 * equals a resident pid hides the resident one while it is known.
 */
export class GuestProcessTable {
  private readonly residents = new Map<number, GuestProcess>();
  private readonly created = new Map<number, CreatedProcess>();
  private closed = false;

  /**
   * @param resident - the processes the inventory says run in the guest
   * @param options - retention, termination grace and boot time
   */
  constructor(
    resident: InventoryProcess[],
    private readonly options: GuestProcessTableOptions,
  ) {
    for (const process of resident) {
      this.residents.set(process.pid, {
        pid: process.pid,
        name: process.name,
        owner: process.owner,
        command: process.command,
        started: process.started === undefined ? options.bootTime : new Date(process.started),
        resident: true,
      });
    }
  }

  /**
   * Starts `spec` as a real child process: `/bin/sh -c 'exec <quoted path> <arguments>'`, so
   * `arguments` is one string the shell interprets, as VMware Tools does on Linux.
   * @param spec - the create spec, already checked for types
   * @param owner - the guest user it runs as
   * @returns the OS pid
   * @throws {@link ApiError} 400 INVALID_ARGUMENT for a relative, missing or non-file path, a missing working
   *   directory or `start_minimized: true`; 403 UNAUTHORIZED for a program that is not executable
   */
  async start(spec: WireCreateSpec, owner: string): Promise<number> {
    if (spec.start_minimized === true) {
      throw invalidSpec(
        "start_minimized",
        "is only supported by Windows guests; this guest runs Linux, leave it out",
      );
    }
    if (!isAbsolute(spec.path)) {
      throw invalidSpec(
        "path",
        `${quote(spec.path)} is not an absolute path; give the full path, e.g. /bin/sh`,
      );
    }
    const program = await stat(spec.path).catch(() => undefined);
    if (program === undefined) throw invalidSpec("path", `${quote(spec.path)} does not exist in the guest`);
    if (!program.isFile()) throw invalidSpec("path", `${quote(spec.path)} is not a regular file`);
    const runnable = await access(spec.path, fsConstants.X_OK).then(
      () => true,
      () => false,
    );
    if (!runnable) {
      throw new ApiError(
        "UNAUTHORIZED",
        `${quote(spec.path)} is not executable by guest user ${quote(owner)}`,
        {
          id: "simulator.guest.processes.not_executable",
          args: [spec.path, owner],
        },
      );
    }
    const cwd = spec.working_directory ?? DEFAULT_WORKING_DIRECTORY;
    const directory = await stat(cwd).catch(() => undefined);
    if (directory === undefined || !directory.isDirectory()) {
      throw invalidSpec("working_directory", `${quote(cwd)} is not an existing directory in the guest`);
    }

    const args = spec.arguments ?? "";
    const script = args === "" ? `exec ${shellQuote(spec.path)}` : `exec ${shellQuote(spec.path)} ${args}`;
    if (this.closed) {
      throw new ApiError("SERVICE_UNAVAILABLE", "the simulator is shutting down", {
        id: "simulator.closing",
      });
    }
    const started = this.now();
    let child: ChildProcess;
    try {
      // A process group of its own, so termination also reaches what the program started.
      child = spawn("/bin/sh", ["-c", script], {
        cwd,
        env: { ...(spec.environment_variables ?? DEFAULT_GUEST_ENVIRONMENT) },
        stdio: "ignore",
        detached: true,
      });
    } catch (error) {
      throw invalidSpec(
        "path",
        `cannot start ${quote(spec.path)}: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
    // Listen for the exit before anything else, so a program that ends at once is never missed.
    const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
      child.once("exit", (code, signal) => resolve({ code, signal }));
    });
    await new Promise<void>((resolve, reject) => {
      child.once("spawn", resolve);
      child.once("error", reject);
    }).catch((error: Error) => {
      throw new ApiError(
        "INTERNAL_SERVER_ERROR",
        `the guest could not start ${quote(spec.path)}: ${error.message}`,
        {
          id: "simulator.guest.processes.spawn_failed",
        },
      );
    });
    const pid = child.pid!;
    const record: CreatedProcess = {
      pid,
      name: basename(spec.path),
      owner,
      command: args === "" ? `${quote(spec.path)}` : `${quote(spec.path)} ${args}`,
      started,
      resident: false,
      child,
      exited: exit.then(({ code, signal }) => {
        record.finished = this.now();
        record.exitCode = exitCodeOf(code, signal);
        if (record.killTimer !== undefined) clearTimeout(record.killTimer);
      }),
    };
    this.purge();
    this.created.set(pid, record);
    return pid;
  }

  /** A process by pid, or `undefined` when unknown or when it finished longer ago than the retention. */
  get(pid: number): GuestProcess | undefined {
    this.purge();
    const created = this.created.get(pid);
    return created === undefined ? this.residents.get(pid) : this.view(created);
  }

  /** Every known process (resident, running, and finished within retention), by pid. */
  list(): GuestProcess[] {
    this.purge();
    const byPid = new Map<number, GuestProcess>(this.residents);
    for (const record of this.created.values()) byPid.set(record.pid, this.view(record));
    return [...byPid.values()].sort((a, b) => a.pid - b.pid);
  }

  /**
   * Terminates a process the POSIX way: SIGTERM to its process group, SIGKILL after the grace period if
   * it still runs. A resident process is simply removed; a finished one is left as it is.
   */
  terminate(pid: number): TerminateOutcome {
    this.purge();
    const record = this.created.get(pid);
    if (record !== undefined) {
      if (record.finished !== undefined) return "already-finished";
      if (record.killTimer === undefined) {
        signalGroup(record, "SIGTERM");
        record.killTimer = setTimeout(() => signalGroup(record, "SIGKILL"), this.options.terminateGraceMs);
      }
      return "signalled";
    }
    return this.residents.delete(pid) ? "removed" : "not-found";
  }

  /**
   * Refuses further `start` calls, terminates every running created process (TERM, then KILL after the
   * grace) and waits until all have exited.
   */
  async shutdown(): Promise<void> {
    this.closed = true;
    const running = [...this.created.values()].filter((record) => record.finished === undefined);
    for (const record of running) this.terminate(record.pid);
    await Promise.all(running.map((record) => record.exited));
    // Whatever the programs left behind in their groups goes too.
    for (const record of running) signalGroup(record, "SIGKILL");
  }

  /** Kills every running created process at once (power-off, or the host process exiting) and forgets them all. */
  killAll(): void {
    for (const record of this.created.values()) {
      if (record.finished === undefined) signalGroup(record, "SIGKILL");
    }
    this.created.clear();
  }

  /** How many created processes still run. */
  get runningCount(): number {
    let count = 0;
    for (const record of this.created.values()) if (record.finished === undefined) count += 1;
    return count;
  }

  private now(): Date {
    return this.options.clock?.() ?? new Date();
  }

  private purge(): void {
    const now = this.now().getTime();
    for (const [pid, record] of this.created) {
      if (record.finished !== undefined && now - record.finished.getTime() >= this.options.retentionMs) {
        this.created.delete(pid);
      }
    }
  }

  private view(record: CreatedProcess): GuestProcess {
    const { pid, name, owner, command, started, finished, exitCode } = record;
    return { pid, name, owner, command, started, finished, exitCode, resident: false };
  }
}

function signalGroup(record: CreatedProcess, signal: NodeJS.Signals): void {
  try {
    process.kill(-record.pid, signal);
  } catch {
    // The group is gone (ESRCH): only the leader itself may be left, if anything.
    if (record.finished === undefined) record.child.kill(signal);
  }
}
