/**
 * Data-source `validate()` (what `tofu validate` and every plan run first), table-driven: no
 * host, no simulator, no vCenter.
 */

import { completeBlock } from "../../../src/plugin";
import { UNKNOWN } from "../../../src/plugin/codec/cty";
import type { BlockValue } from "../../../src/provider/config";
import { PROCESS_SCHEMA, processDataSource } from "../../../src/provider/data-sources/process";
import { PROCESSES_SCHEMA, processesDataSource } from "../../../src/provider/data-sources/processes";

const at = (...names: string[]) => names.map((attributeName) => ({ attributeName }));
const credentials = (fields: Record<string, unknown>) => ({
  user_name: null,
  password: null,
  saml_token: null,
  interactive_session: null,
  ...fields,
});

/** A `vsphereguest_process` configuration: every attribute null unless given. */
const processConfig = (fields: Record<string, unknown>): BlockValue =>
  completeBlock(PROCESS_SCHEMA, fields as BlockValue);

const processesConfig = (fields: Record<string, unknown>): BlockValue =>
  completeBlock(PROCESSES_SCHEMA, fields as BlockValue);

const LONG = "x".repeat(257);

describe("vsphereguest_process validate", () => {
  test.each([
    { name: "vm and pid", config: { vm: "vm-42", pid: 7 }, expected: [] },
    { name: "vm_name and a bigint pid", config: { vm_name: "web", pid: 9223372036854775807n }, expected: [] },
    { name: "unknown values pass", config: { vm: UNKNOWN, pid: UNKNOWN, timeout: UNKNOWN }, expected: [] },
    { name: "a vm of 256 characters", config: { vm: "v".repeat(256), pid: 1 }, expected: [] },
    {
      name: "waiting with a timeout",
      config: { vm: "vm-42", pid: 7, wait_for_exit: true, timeout: "90s" },
      expected: [],
    },
    {
      name: "neither vm nor vm_name",
      config: { pid: 7 },
      expected: [{ severity: "error", summary: "Missing vm", attribute: at("vm") }],
    },
    {
      name: "both vm and vm_name",
      config: { vm: "vm-42", vm_name: "web", pid: 7 },
      expected: [{ severity: "error", summary: "Conflicting vm and vm_name", attribute: at("vm_name") }],
    },
    {
      name: "an empty vm",
      config: { vm: " ", pid: 7 },
      expected: [{ severity: "error", summary: "Empty vm", attribute: at("vm") }],
    },
    {
      name: "an overlong vm",
      config: { vm: LONG, pid: 7 },
      expected: [
        {
          severity: "error",
          summary: "Invalid vm",
          detail:
            "vm is 257 characters long; a VM's managed object id (like vm-42) or name has at most 256. Give the VM's managed object id, like vm-42.",
          attribute: at("vm"),
        },
      ],
    },
    {
      name: "an overlong vm_name",
      config: { vm_name: LONG, pid: 7 },
      expected: [
        {
          severity: "error",
          summary: "Invalid vm_name",
          detail: expect.stringContaining("vm_name is 257 characters long"),
          attribute: at("vm_name"),
        },
      ],
    },
    {
      name: "a pid of 0",
      config: { vm: "vm-42", pid: 0 },
      expected: [
        {
          severity: "error",
          summary: "Invalid pid",
          detail: expect.stringContaining("pid 0 is less than 1"),
          attribute: at("pid"),
        },
      ],
    },
    {
      name: "a fractional pid",
      config: { vm: "vm-42", pid: 1.5 },
      expected: [
        {
          severity: "error",
          summary: "Invalid pid",
          detail: expect.stringContaining("1.5 is not a whole number"),
          attribute: at("pid"),
        },
      ],
    },
    {
      name: "a pid beyond int64",
      config: { vm: "vm-42", pid: 9223372036854775808n },
      expected: [
        {
          severity: "error",
          summary: "Invalid pid",
          detail: expect.stringContaining("9223372036854775808 is larger than an int64"),
          attribute: at("pid"),
        },
      ],
    },
    {
      name: "a bad timeout, with control characters escaped",
      config: { vm: "vm-42", pid: 7, wait_for_exit: true, timeout: "5\u202em" },
      expected: [
        {
          severity: "error",
          summary: "Invalid timeout",
          detail: expect.stringContaining('"5\\u202em" is not a duration'),
          attribute: at("timeout"),
        },
      ],
    },
    {
      name: "a timeout without wait_for_exit",
      config: { vm: "vm-42", pid: 7, timeout: "5m" },
      expected: [{ severity: "warning", summary: "timeout has no effect", attribute: at("timeout") }],
    },
    {
      name: "both password and saml_token",
      config: { vm: "vm-42", pid: 7, credentials: credentials({ password: "a", saml_token: "b" }) },
      expected: [
        {
          severity: "error",
          summary: "Conflicting guest credentials",
          attribute: at("credentials", "saml_token"),
        },
      ],
    },
    {
      name: "several problems at once",
      config: { vm: "vm-42", vm_name: "web", pid: -1 },
      expected: [
        { severity: "error", summary: "Conflicting vm and vm_name", attribute: at("vm_name") },
        { severity: "error", summary: "Invalid pid", attribute: at("pid") },
      ],
    },
  ])("$name", ({ config, expected }) => {
    expect(processDataSource.validate(processConfig(config))).toEqual(
      expected.map((d) => expect.objectContaining(d)),
    );
  });
});

describe("vsphereguest_processes validate", () => {
  test.each([
    { name: "vm", config: { vm: "vm-42" }, expected: [] },
    { name: "vm_name", config: { vm_name: "web" }, expected: [] },
    { name: "unknown vm", config: { vm: UNKNOWN }, expected: [] },
    { name: "neither", config: {}, expected: [{ summary: "Missing vm", attribute: at("vm") }] },
    {
      name: "both",
      config: { vm: "vm-42", vm_name: "web" },
      expected: [{ summary: "Conflicting vm and vm_name", attribute: at("vm_name") }],
    },
    { name: "overlong vm", config: { vm: LONG }, expected: [{ summary: "Invalid vm", attribute: at("vm") }] },
    {
      name: "overlong vm_name",
      config: { vm_name: LONG },
      expected: [{ summary: "Invalid vm_name", attribute: at("vm_name") }],
    },
    {
      name: "conflicting credentials",
      config: { vm: "vm-42", credentials: credentials({ password: "a", saml_token: "b" }) },
      expected: [{ summary: "Conflicting guest credentials", attribute: at("credentials", "saml_token") }],
    },
  ])("$name", ({ config, expected }) => {
    expect(processesDataSource.validate(processesConfig(config))).toEqual(
      expected.map((d) => expect.objectContaining({ severity: "error", ...d })),
    );
  });
});
