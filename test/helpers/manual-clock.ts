/** A clock the test moves by hand, for the simulator's `clock` option: expiry without sleeping. */
export class ManualClock {
  private ms: number;

  constructor(start: Date = new Date("2026-01-01T00:00:00.000Z")) {
    this.ms = start.getTime();
  }

  /** The current time; pass it as `clock` (it is bound). */
  readonly now = (): Date => new Date(this.ms);

  /** Moves the clock forward. */
  advance(ms: number): void {
    this.ms += ms;
  }
}
