/**
 * `GET /api/vcenter/vm/{vm}/guest/identity`: what the guest says it is (no guest credentials).
 */
import type { GuestOsFamily } from "../../vcenter/guest-file-types";
import type { WireGuestIdentity } from "../../vcenter/guest-file-wire";
import type { Handler } from "../context";
import { jsonReply } from "../responses";
import { checkGuestRunning, findVm } from "./guest-call";

/** The guest OS id and full name reported for each family. */
const OS_OF_FAMILY: Record<GuestOsFamily, { name: string; fullName: string }> = {
  LINUX: { name: "OTHER_4X_LINUX_64", fullName: "Other 4.x or later Linux (64-bit)" },
  WINDOWS: { name: "WINDOWS_9_SERVER_64", fullName: "Microsoft Windows Server 2016 or later (64-bit)" },
  NETWARE: { name: "NETWARE6", fullName: "Novell NetWare 6.x" },
  SOLARIS: { name: "SOLARIS11_64", fullName: "Oracle Solaris 11 (64-bit)" },
  DARWIN: { name: "DARWIN_64", fullName: "Apple macOS (64-bit)" },
  OTHER: { name: "OTHER_64", fullName: "Other (64-bit)" },
};

/**
 * 200 `{name, family, full_name, host_name, ip_address}`; 404 for an unknown VM, 400
 * NOT_ALLOWED_IN_CURRENT_STATE when it is not running, 503 while Tools is not running.
 */
export const getGuestIdentity: Handler = ({ state, match }) => {
  const vm = findVm(state, match.vm!);
  checkGuestRunning(vm);
  const family = vm.config.guest_os_family ?? "LINUX";
  const os = OS_OF_FAMILY[family];
  const identity: WireGuestIdentity = {
    name: os.name,
    family,
    full_name: { id: `vmsg.guestos.${os.name}.label`, default_message: os.fullName, args: [] },
    host_name: vm.config.name,
    // The guest is the local machine.
    ip_address: "127.0.0.1",
  };
  return jsonReply(200, identity);
};
