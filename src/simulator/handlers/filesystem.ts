/**
 * The guest filesystem operations: `Files.createTemporary`, `Files.get`, `Files.delete`,
 * `Directories.createTemporary`, `Directories.delete` and `Transfers.create`, on the local
 * machine's real files. Checks run in the order of every guest call (see `guest-call.ts`), then
 * the path: denied (403 UNAUTHORIZED), missing (404 NOT_FOUND with `data.file_path`), wrong kind
 * (400 INVALID_ARGUMENT), already there (400 ALREADY_EXISTS), too large (500 UNABLE_TO_ALLOCATE_RESOURCE).
 */
import { isObject } from "../../util/json";
import { quoteField } from "../../util/quote";
import type { WireFileCreationAttributes } from "../../vcenter/guest-file-wire";
import type { Handler } from "../context";
import { ApiError, emptyReply, jsonReply } from "../responses";
import { invalidArgument, prepareGuestBodyCall } from "./guest-call";

type Json = Record<string, unknown>;

function optionalString(body: Json, field: string): string | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "string") throw invalidArgument(field, `${quoteField(value)} is not a string`);
  return value;
}

function requiredString(body: Json, field: string, hint: string): string {
  const value = body[field];
  if (typeof value !== "string")
    throw invalidArgument(field, `${quoteField(value)} is not a string; ${hint}`);
  return value;
}

function temporaryFields(body: Json): { prefix: string; suffix: string; parent?: string } {
  const prefix = requiredString(body, "prefix", 'it is required (it may be ""), e.g. "tmp-"');
  const suffix = requiredString(body, "suffix", 'it is required (it may be ""), e.g. ".txt"');
  for (const [field, value] of [
    ["prefix", prefix],
    ["suffix", suffix],
  ] as const) {
    if (value.includes("/") || value.includes("\0")) {
      throw invalidArgument(field, `${quoteField(value)} may not contain "/" or NUL`);
    }
  }
  const parent = optionalString(body, "parent_path");
  return parent === undefined ? { prefix, suffix } : { prefix, suffix, parent };
}

const createTemporary =
  (kind: "file" | "directory"): Handler =>
  async (context) => {
    const { vm, fields } = prepareGuestBodyCall(context, temporaryFields);
    const path = await context.state.files.createTemporary(
      vm,
      kind,
      fields.prefix,
      fields.suffix,
      fields.parent,
    );
    return jsonReply(201, path);
  };

/** `files?action=createTemporary`: 201 with the absolute path of a new empty file. */
export const createTemporaryFile: Handler = createTemporary("file");

/** `directories?action=createTemporary`: 201 with the absolute path of a new directory. */
export const createTemporaryDirectory: Handler = createTemporary("directory");

/** `files/{path}?action=get`: 200 `{type, size, attributes}`. */
export const getFile: Handler = async (context) => {
  const { vm } = prepareGuestBodyCall(context, () => undefined);
  return jsonReply(200, await context.state.files.info(vm, context.match.path!));
};

/** `files/{path}?action=delete`: 204; a directory is 400 (use `Directories.delete`). */
export const deleteFile: Handler = async (context) => {
  const { vm } = prepareGuestBodyCall(context, () => undefined);
  await context.state.files.deleteFile(vm, context.match.path!);
  return emptyReply(204);
};

/** `directories?action=delete` with `{path, recursive?}`: 204. */
export const deleteDirectory: Handler = async (context) => {
  const { vm, fields } = prepareGuestBodyCall(context, (body) => {
    const path = requiredString(body, "path", "give the absolute path of the directory");
    const recursive = body.recursive;
    if (recursive !== undefined && recursive !== null && typeof recursive !== "boolean") {
      throw invalidArgument("recursive", `${quoteField(recursive)} is not true or false`);
    }
    return { path, recursive: recursive === true };
  });
  await context.state.files.deleteDirectory(vm, fields.path, fields.recursive);
  return emptyReply(204);
};

function transferSpec(body: Json): { path: string; attributes?: WireFileCreationAttributes } {
  const spec = body.spec;
  if (!isObject(spec)) {
    throw invalidArgument("spec", `${quoteField(spec)} is not an object; send {"path": "/absolute/file"}`);
  }
  const path = requiredString(spec, "path", "give the complete guest path of the file");
  const attributes = spec.attributes;
  if (attributes === undefined || attributes === null) return { path };
  if (!isObject(attributes))
    throw invalidArgument("spec.attributes", `${quoteField(attributes)} is not an object`);
  const size = attributes.size;
  if (typeof size !== "number" || !Number.isSafeInteger(size) || size < 0) {
    throw invalidArgument(
      "spec.attributes.size",
      `${quoteField(size)} is not a whole number of bytes; it is required for an upload`,
    );
  }
  const overwrite = attributes.overwrite;
  if (typeof overwrite !== "boolean") {
    throw invalidArgument(
      "spec.attributes.overwrite",
      `${quoteField(overwrite)} is not true or false; it is required for an upload`,
    );
  }
  const result: WireFileCreationAttributes = { size, overwrite };
  if (attributes.posix !== undefined && attributes.posix !== null) {
    if (!isObject(attributes.posix))
      throw invalidArgument("spec.attributes.posix", `${quoteField(attributes.posix)} is not an object`);
    const permissions = attributes.posix.permissions;
    if (permissions !== undefined && (typeof permissions !== "string" || !/^[0-7]{3,4}$/.test(permissions))) {
      throw invalidArgument(
        "spec.attributes.posix.permissions",
        `${quoteField(permissions)} is not an octal string like "0644"`,
      );
    }
    result.posix = permissions === undefined ? {} : { permissions };
  }
  if (attributes.windows !== undefined && attributes.windows !== null) {
    if (!isObject(attributes.windows)) {
      throw invalidArgument("spec.attributes.windows", `${quoteField(attributes.windows)} is not an object`);
    }
    result.windows = {};
  }
  if (result.posix !== undefined && result.windows !== undefined) {
    throw invalidArgument("spec.attributes", "give posix or windows attributes, not both");
  }
  return { path, attributes: result };
}

/**
 * `filesystem?action=create`: 201 with a single-use URL on the simulated ESXi host. Without
 * `attributes` a download of an existing regular file; with them an upload of `size` bytes.
 */
export const createTransfer: Handler = async (context) => {
  const { vm, fields } = prepareGuestBodyCall(context, transferSpec);
  const { state } = context;
  const { path, attributes } = fields;
  const family = vm.config.guest_os_family ?? "LINUX";
  if (attributes === undefined) {
    await state.files.checkDownload(vm, path);
    return jsonReply(
      201,
      state.transferUrl(state.transfers.issue({ vm: vm.id, path, direction: "download" })),
    );
  }
  if (attributes.posix !== undefined && family === "WINDOWS") {
    throw invalidArgument(
      "spec.attributes.posix",
      "the guest runs Windows; send windows attributes (or none)",
    );
  }
  if (attributes.windows !== undefined && family !== "WINDOWS") {
    throw invalidArgument(
      "spec.attributes.windows",
      `the guest runs ${family}; send posix attributes (or none)`,
    );
  }
  await state.files.checkUpload(vm, path, attributes.overwrite);
  if (attributes.size > state.maxUploadBytes) {
    throw new ApiError(
      "UNABLE_TO_ALLOCATE_RESOURCE",
      `no space for ${attributes.size} bytes in the guest of ${vm.id} (${state.maxUploadBytes} bytes free)`,
      { id: "simulator.guest.filesystem.no_space", args: [path] },
    );
  }
  const ticket = state.transfers.issue({
    vm: vm.id,
    path,
    direction: "upload",
    size: attributes.size,
    overwrite: attributes.overwrite,
    permissions: attributes.posix?.permissions ?? "0644",
  });
  return jsonReply(201, state.transferUrl(ticket));
};
