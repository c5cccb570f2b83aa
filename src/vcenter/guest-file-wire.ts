/**
 * Wire shapes of the guest identity and guest filesystem operations (vSphere API 7.0.2+), exactly as
 * they travel (snake_case). Shared by the API client and the simulator.
 */
import type { WireCredentials, WireLocalizableMessage } from "./wire";

/** Answer of `GET /api/vcenter/vm/{vm}/guest/identity`. */
export interface WireGuestIdentity {
  /** Guest OS identifier, e.g. `OTHER_4X_LINUX_64`. */
  name: string;
  /** `WINDOWS`, `LINUX`, `NETWARE`, `SOLARIS`, `DARWIN` or `OTHER`. */
  family: string;
  /** The full name, as a localizable message. */
  full_name: WireLocalizableMessage;
  host_name: string;
  ip_address?: string;
}

/** Body of `Files.createTemporary` and `Directories.createTemporary`. */
export interface WireTemporaryCreateBody {
  credentials: WireCredentials;
  prefix: string;
  suffix: string;
  parent_path?: string;
}

/** POSIX attributes of an uploaded file. */
export interface WirePosixCreateAttributes {
  owner_id?: number;
  group_id?: number;
  /** chmod octal string, e.g. `"0755"`. */
  permissions?: string;
}

/** Windows attributes of an uploaded file. */
export interface WireWindowsCreateAttributes {
  hidden?: boolean;
  read_only?: boolean;
}

/** `Transfers.FileCreationAttributes`: only for uploads. */
export interface WireFileCreationAttributes {
  /** Bytes that will be `PUT`. */
  size: number;
  /** Replace an existing file; otherwise `ALREADY_EXISTS`. */
  overwrite: boolean;
  last_modified?: string;
  last_accessed?: string;
  posix?: WirePosixCreateAttributes;
  windows?: WireWindowsCreateAttributes;
}

/** `Transfers.CreateSpec`: without `attributes` a download, with them an upload. */
export interface WireTransferSpec {
  path: string;
  attributes?: WireFileCreationAttributes;
}

/** Body of `Directories.delete`. */
export interface WireDirectoryDeleteBody {
  credentials: WireCredentials;
  path: string;
  recursive?: boolean;
}

/** Answer of `Files.get`. */
export interface WireFileInfo {
  /** `FILE`, `DIRECTORY` or `SYMLINK`. */
  type: string;
  /** Size in bytes. */
  size: number;
  attributes?: {
    last_modified?: string;
    last_accessed?: string;
    posix?: { owner?: number; group?: number; permissions?: string };
  };
}
