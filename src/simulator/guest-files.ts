/**
 * The simulated guests' file systems: the local machine's own files, as a guest's processes are the
 * local machine's. Each VM gets its own temporary directory (for `createTemporary` without a
 * parent), so what a client leaves behind can be counted. File system errors become the errors
 * vCenter answers: NOT_FOUND (with `data.file_path`), INVALID_ARGUMENT, ALREADY_EXISTS, UNAUTHORIZED.
 */
import { randomBytes } from "node:crypto";
import { constants as fsConstants, type Stats } from "node:fs";
import { access, lstat, mkdir, open, readdir, rm, rmdir, stat, unlink } from "node:fs/promises";
import { dirname, isAbsolute, join, resolve } from "node:path";
import type { WireFileInfo } from "../vcenter/guest-file-wire";
import { ApiError } from "./responses";
import type { VirtualMachine } from "./virtual-machine";

/** What a file call may need to do with a path. */
export type PathAccess = "read" | "write";

function notFound(vm: VirtualMachine, path: string, what = "file or directory"): ApiError {
  return new ApiError("NOT_FOUND", `the guest of ${vm.id} has no ${what} "${path}"`, {
    id: "simulator.guest.filesystem.not_found",
    args: [path, vm.id],
    data: { file_path: path },
  });
}

function invalidPath(path: string, message: string): ApiError {
  return new ApiError("INVALID_ARGUMENT", `path "${path}": ${message}`, {
    id: "simulator.guest.filesystem.invalid_path",
    args: [path],
  });
}

/** Maps a file system error of `path` onto the API's errors. */
export function fileSystemError(vm: VirtualMachine, path: string, error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  const code = (error as NodeJS.ErrnoException).code;
  switch (code) {
    case "ENOENT":
      return notFound(vm, path);
    case "EACCES":
    case "EPERM":
      return new ApiError("UNAUTHORIZED", `the guest user may not access "${path}" in ${vm.id}`, {
        id: "simulator.guest.filesystem.access_denied",
        args: [path, vm.id],
      });
    case "EEXIST":
      return new ApiError("ALREADY_EXISTS", `"${path}" already exists in the guest of ${vm.id}`, {
        id: "simulator.guest.filesystem.already_exists",
        args: [path],
      });
    case "ENOSPC":
    case "EDQUOT":
      return new ApiError(
        "UNABLE_TO_ALLOCATE_RESOURCE",
        `no space left for "${path}" in the guest of ${vm.id}`,
        {
          id: "simulator.guest.filesystem.no_space",
          args: [path],
        },
      );
    case "ENOTDIR":
    case "EISDIR":
    case "ENAMETOOLONG":
    case "ENOTEMPTY":
      return invalidPath(path, `${(error as Error).message}`);
    default:
      return new ApiError(
        "INTERNAL_SERVER_ERROR",
        `the guest of ${vm.id} failed on "${path}": ${(error as Error).message}`,
        { id: "simulator.guest.filesystem.failed" },
      );
  }
}

/** The file systems of every simulated guest, rooted in one work directory of the simulator. */
export class GuestFileSystems {
  /** @param root - the simulator's work directory; each VM's temporary directory lives under it */
  constructor(private readonly root: string) {}

  /** The directory `createTemporary` uses when no `parent_path` is given. */
  tempDir(vm: VirtualMachine): string {
    return join(this.root, encodeURIComponent(vm.id), "tmp");
  }

  /**
   * Checks a guest path: absolute, and not under one of the VM's denied paths.
   * @throws ApiError 400 INVALID_ARGUMENT for a relative path, 403 UNAUTHORIZED for a denied one
   */
  check(vm: VirtualMachine, path: string, field = "path"): string {
    if (path === "" || !isAbsolute(path) || path.includes("\0")) {
      throw new ApiError("INVALID_ARGUMENT", `${field}: "${path}" is not an absolute guest path`, {
        id: "simulator.guest.filesystem.invalid_path",
        args: [field],
      });
    }
    const normal = resolve(path);
    for (const denied of vm.config.guest_denied_paths ?? []) {
      const base = resolve(denied);
      if (normal === base || normal.startsWith(base.endsWith("/") ? base : `${base}/`)) {
        throw new ApiError(
          "UNAUTHORIZED",
          `guest user "${vm.config.guest_user}" may not read or write "${path}" in ${vm.id}`,
          { id: "simulator.guest.filesystem.access_denied", args: [path, vm.id] },
        );
      }
    }
    return path;
  }

  /** `Files.createTemporary`: a new empty file; `Directories.createTemporary`: a new directory. */
  async createTemporary(
    vm: VirtualMachine,
    kind: "file" | "directory",
    prefix: string,
    suffix: string,
    parent: string | undefined,
  ): Promise<string> {
    let directory: string;
    if (parent === undefined) {
      directory = this.tempDir(vm);
      await mkdir(directory, { recursive: true });
    } else {
      directory = this.check(vm, parent, "parent_path");
      const info = await stat(directory).catch((error: unknown) => {
        throw fileSystemError(vm, parent, error);
      });
      if (!info.isDirectory()) throw invalidPath(parent, "is not a directory");
    }
    for (let attempt = 0; ; attempt++) {
      const path = join(directory, `${prefix}${randomBytes(6).toString("hex")}${suffix}`);
      try {
        if (kind === "directory") await mkdir(path, { mode: 0o700 });
        else await (await open(path, "wx", 0o600)).close();
        return path;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === "EEXIST" && attempt < 5) continue;
        throw fileSystemError(vm, path, error);
      }
    }
  }

  /** `Files.get`. */
  async info(vm: VirtualMachine, path: string): Promise<WireFileInfo> {
    this.check(vm, path);
    const info = await lstat(path).catch((error: unknown) => {
      throw fileSystemError(vm, path, error);
    });
    return {
      type: info.isSymbolicLink() ? "SYMLINK" : info.isDirectory() ? "DIRECTORY" : "FILE",
      size: info.size,
      attributes: {
        last_modified: info.mtime.toISOString(),
        last_accessed: info.atime.toISOString(),
        posix: {
          owner: info.uid,
          group: info.gid,
          permissions: (info.mode & 0o7777).toString(8).padStart(4, "0"),
        },
      },
    };
  }

  /** `Files.delete`: a file or a symbolic link, never a directory. */
  async deleteFile(vm: VirtualMachine, path: string): Promise<void> {
    this.check(vm, path);
    const info = await lstat(path).catch((error: unknown) => {
      throw fileSystemError(vm, path, error);
    });
    if (info.isDirectory()) throw invalidPath(path, "is a directory; delete it with Directories.delete");
    await unlink(path).catch((error: unknown) => {
      throw fileSystemError(vm, path, error);
    });
  }

  /** `Directories.delete`: an empty directory, or with `recursive` everything in it. */
  async deleteDirectory(vm: VirtualMachine, path: string, recursive: boolean): Promise<void> {
    this.check(vm, path);
    const info = await lstat(path).catch((error: unknown) => {
      throw fileSystemError(vm, path, error);
    });
    if (!info.isDirectory()) throw invalidPath(path, "is not a directory");
    if (!recursive && (await readdir(path)).length > 0) {
      throw invalidPath(path, "the directory is not empty; send recursive: true to delete what it holds");
    }
    await (recursive ? rm(path, { recursive: true, force: false }) : rmdir(path)).catch((error: unknown) => {
      throw fileSystemError(vm, path, error);
    });
  }

  /** Checks a download source: an existing, readable regular file (not a directory, not a link). */
  async checkDownload(vm: VirtualMachine, path: string): Promise<Stats> {
    this.check(vm, path, "spec.path");
    const info = await lstat(path).catch((error: unknown) => {
      throw fileSystemError(vm, path, error);
    });
    if (info.isSymbolicLink())
      throw invalidPath(path, "is a symbolic link; give the path of the file itself");
    if (!info.isFile()) throw invalidPath(path, "is not a regular file");
    await access(path, fsConstants.R_OK).catch((error: unknown) => {
      throw fileSystemError(vm, path, error);
    });
    return info;
  }

  /** Checks an upload target: its directory exists; an existing file only with `overwrite`. */
  async checkUpload(vm: VirtualMachine, path: string, overwrite: boolean): Promise<void> {
    this.check(vm, path, "spec.path");
    const parent = await stat(dirname(path)).catch(() => undefined);
    if (parent === undefined || !parent.isDirectory()) throw notFound(vm, dirname(path), "directory");
    const existing = await lstat(path).catch(() => undefined);
    if (existing === undefined) return;
    if (existing.isDirectory()) throw invalidPath(path, "is a directory");
    if (existing.isSymbolicLink()) throw invalidPath(path, "is a symbolic link");
    if (!overwrite) {
      throw new ApiError(
        "ALREADY_EXISTS",
        `"${path}" already exists in the guest of ${vm.id}; send attributes.overwrite: true to replace it`,
        { id: "simulator.guest.filesystem.already_exists", args: [path] },
      );
    }
  }
}
