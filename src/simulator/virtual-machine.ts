/**
 * One simulated VM at run time: its inventory entry, its current power and Tools state, and its processes.
 */
import type { WireGuestOperationsInfo, WireVmSummary } from "../vcenter/wire";
import { GuestProcessTable, type GuestProcessTableOptions } from "./guest-processes";
import type { InventoryVm, PowerState } from "./inventory";

/** A change of state, as applied by `Simulator.setVmState`. */
export interface VmStatePatch {
  /** The new power state. Powering off also stops Tools and kills every process started in the guest. */
  power_state?: PowerState;
  /** Whether VMware Tools runs. */
  tools_running?: boolean;
}

/** A VM of the running simulator. */
export class VirtualMachine {
  /** The managed object id, e.g. `vm-1001`. */
  readonly id: string;
  /** The processes of the guest. */
  readonly processes: GuestProcessTable;
  private powerState: PowerState;
  private toolsRunning: boolean;

  /**
   * @param config - the validated, normalised inventory entry
   * @param processOptions - retention, grace and boot time of its process table
   */
  constructor(
    readonly config: Readonly<InventoryVm>,
    processOptions: GuestProcessTableOptions,
  ) {
    this.id = config.vm;
    this.powerState = config.power_state;
    this.toolsRunning = config.tools_running;
    this.processes = new GuestProcessTable(config.processes ?? [], processOptions);
  }

  /** The current power state. */
  get power(): PowerState {
    return this.powerState;
  }

  /** Whether VMware Tools runs now (never while the VM is not powered on). */
  get tools(): boolean {
    return this.toolsRunning && this.powerState === "POWERED_ON";
  }

  /** Applies a state change. */
  setState(patch: VmStatePatch): void {
    if (patch.power_state !== undefined && patch.power_state !== this.powerState) {
      this.powerState = patch.power_state;
      if (patch.power_state === "POWERED_OFF") {
        // A powered-off guest runs nothing, and its Tools start again only when told to.
        this.toolsRunning = false;
        this.processes.killAll();
      }
    }
    if (patch.tools_running !== undefined) this.toolsRunning = patch.tools_running;
  }

  /** Whether `user` is logged in to the guest desktop (needed for `interactive_session: true`). */
  isInteractive(user: string): boolean {
    return (this.config.interactive_users ?? []).includes(user);
  }

  /** The element of `GET /api/vcenter/vm`. */
  summary(): WireVmSummary {
    return {
      vm: this.id,
      name: this.config.name,
      power_state: this.powerState,
      cpu_count: this.config.cpu_count,
      memory_size_MiB: this.config.memory_size_MiB,
    };
  }

  /** The answer of `GET /api/vcenter/vm/{vm}/guest/operations`. */
  guestOperations(): WireGuestOperationsInfo {
    const ready = this.tools;
    return {
      guest_operations_ready: ready,
      interactive_guest_operations_ready: ready && (this.config.interactive_users ?? []).length > 0,
    };
  }
}
