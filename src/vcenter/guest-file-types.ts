/** The client's own (camelCase) view of the guest identity and guest filesystem data. */
import type { Pid } from "./paths";

/** Every guest operating system family `GET .../guest/identity` reports. */
export const GUEST_OS_FAMILIES = ["WINDOWS", "LINUX", "NETWARE", "SOLARIS", "DARWIN", "OTHER"] as const;

/** A guest operating system family. */
export type GuestOsFamily = (typeof GUEST_OS_FAMILIES)[number];

/** What the guest says it is (`GET /api/vcenter/vm/{vm}/guest/identity`). */
export interface GuestIdentity {
  /** Guest OS identifier (short name), e.g. `OTHER_4X_LINUX_64`. */
  name: string;
  /** The family: decides how a command is wrapped (`/bin/sh -c` or `cmd.exe /c`). */
  family: GuestOsFamily;
  /** Full name, e.g. "Other 4.x or later Linux (64-bit)" (the default message of the API's localizable message). */
  fullName: string;
  /** The guest's host name. */
  hostName: string;
  /** The guest's primary IP address, when it has one. */
  ipAddress?: string;
}

/** The kinds of guest file system entries. */
export const GUEST_FILE_TYPES = ["FILE", "DIRECTORY", "SYMLINK"] as const;

/** What a guest path is. */
export type GuestFileType = (typeof GUEST_FILE_TYPES)[number];

/** A guest file as `Files.get` describes it. */
export interface GuestFileInfo {
  type: GuestFileType;
  /** Size in bytes. */
  size: number;
  /** Last modification, ISO 8601, when the guest reports it. */
  lastModified?: string;
  /** POSIX permissions as an octal string (`"0644"`), when the guest reports them. */
  permissions?: string;
}

/** Where to create a temporary file or directory (`Files.createTemporary`, `Directories.createTemporary`). */
export interface TemporaryOptions {
  /** Start of the name. @default "vsphere-guest-" */
  prefix?: string;
  /** End of the name, e.g. `.sh`. @default "" */
  suffix?: string;
  /** Directory to create it in. @default the guest's temporary directory */
  parentPath?: string;
}

/** Options of {@link VCenterClient.uploadFile}. */
export interface UploadOptions {
  /** Replace an existing file; otherwise an existing file is an `ALREADY_EXISTS` error. @default false */
  overwrite?: boolean;
  /** POSIX permissions as an octal string like `"0755"` (POSIX guests only). @default the guest's `"0644"` */
  mode?: string;
  signal?: AbortSignal;
}

/** Options of {@link VCenterClient.downloadFile}. */
export interface DownloadOptions {
  /**
   * Read at most this many bytes. @default 64 MiB for {@link VCenterClient.downloadFile}, none for
   * {@link VCenterClient.downloadFileTo}
   */
  maxBytes?: number;
  /**
   * `"error"`: a larger file is a {@link TransferLimitError} (nothing is returned);
   * `"truncate"`: keep the first `maxBytes` bytes and report `truncated`. @default "error"
   */
  onLimit?: "error" | "truncate";
  signal?: AbortSignal;
}

/** A download read into memory. */
export interface DownloadResult {
  data: Buffer;
  /** Whether bytes beyond `maxBytes` were dropped (only with `onLimit: "truncate"`). */
  truncated: boolean;
}

/** Options of {@link VCenterClient.runCaptured}. */
export interface RunCapturedOptions {
  /** Give up (and terminate the guest process) after this long. @default 600000 (10 minutes) */
  timeoutMs?: number;
  /** Keep at most this many bytes of stdout, and as many of stderr; the rest is dropped. @default 1 MiB */
  maxOutputBytes?: number;
  /** Working directory in the guest. */
  cwd?: string;
  /** Replaces the whole environment of the command (as the API does). */
  env?: Record<string, string>;
  /** The guest OS family, when known; otherwise it is read with `GET .../guest/identity`. */
  family?: GuestOsFamily;
  /**
   * Send stdout and stderr to the guest's null device instead of capturing them: no temporary
   * directory, nothing downloaded, and `stdout`/`stderr` come back empty. The command line is
   * wrapped the same way, so it means the same thing either way. @default false
   */
  discardOutput?: boolean;
  /** Cancels the run: the guest process is terminated and the temporary files are deleted. */
  signal?: AbortSignal;
}

/** The outcome of {@link VCenterClient.runCaptured}. */
export interface CapturedResult {
  pid: Pid;
  /** The exit code (int64: a bigint beyond 2^53); `null` when the guest reported none. */
  exitCode: number | bigint | null;
  /** Standard output, decoded as UTF-8 (invalid sequences become U+FFFD). */
  stdout: string;
  /** Standard error, decoded as UTF-8 (invalid sequences become U+FFFD). */
  stderr: string;
  /** The undecoded bytes, for callers that pass output on unchanged. */
  raw: { stdout: Buffer; stderr: Buffer };
  /** Whether stdout or stderr was longer than `maxOutputBytes` and was cut there. */
  truncated: boolean;
  /** Start time, ISO 8601 (from the guest). */
  started: string;
  /** End time, ISO 8601 (from the guest). */
  finished: string;
  /** Clean-up steps that failed (a temporary file left in the guest, a process not terminated). */
  warnings: string[];
}

/** Options of {@link VCenterClient.runScript}: those of `runCaptured`, and the interpreter. */
export interface RunScriptOptions extends RunCapturedOptions {
  /**
   * Program that runs the script (`/bin/bash`, `/usr/bin/python3`, `powershell.exe -File` …), given
   * the script's guest path as its last argument. @default `/bin/sh` on POSIX guests; on Windows
   * guests the script runs as a `.cmd` batch file
   */
  interpreter?: string;
  /** Arguments passed to the script (quoted for the guest's shell). @default none */
  args?: readonly string[];
}
