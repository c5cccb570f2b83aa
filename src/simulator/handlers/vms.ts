/**
 * `GET /api/vcenter/vm`: the VM list, with the `names`, `vms` and `power_states` filters.
 */
import { quote } from "../../util/quote";
import type { Handler } from "../context";
import { POWER_STATES } from "../inventory";
import { ApiError, jsonReply } from "../responses";

/**
 * Lists VMs. Each filter may be repeated (`names=a&names=b`); a VM must match every filter given and
 * one value of each. Names match exactly, like vCenter: no patterns, no case folding.
 */
export const listVms: Handler = ({ state, match }) => {
  const names = match.query.getAll("names");
  const ids = match.query.getAll("vms");
  const powerStates = match.query.getAll("power_states");
  for (const powerState of powerStates) {
    if (!(POWER_STATES as readonly string[]).includes(powerState)) {
      throw new ApiError(
        "INVALID_ARGUMENT",
        `power_states: ${quote(powerState)} is not one of ${POWER_STATES.join(", ")}`,
        { id: "simulator.vm.list.invalid_filter", args: ["power_states", powerState] },
      );
    }
  }
  const vms = [...state.vms.values()].filter(
    (vm) =>
      (names.length === 0 || names.includes(vm.config.name)) &&
      (ids.length === 0 || ids.includes(vm.id)) &&
      (powerStates.length === 0 || powerStates.includes(vm.power)),
  );
  return jsonReply(
    200,
    vms.map((vm) => vm.summary()),
  );
};
