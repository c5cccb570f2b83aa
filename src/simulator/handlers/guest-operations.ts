/**
 * `GET /api/vcenter/vm/{vm}/guest/operations`: whether guest operations can run now.
 */
import type { Handler } from "../context";
import { jsonReply } from "../responses";
import { findVm } from "./guest-call";

/** 200 `{guest_operations_ready, interactive_guest_operations_ready}`, or 404 NOT_FOUND for an unknown VM. */
export const getGuestOperations: Handler = ({ state, match }) => {
  const vm = findVm(state, match.vm!);
  return jsonReply(200, vm.guestOperations());
};
