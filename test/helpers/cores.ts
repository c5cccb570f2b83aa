/**
 * The two construct cores the constructs are built for, side by side, so one test body runs against
 * both: cdktf with `src/constructs/cdktf` and CDK Terrain (cdktn) with `src/constructs/cdktn`.
 *
 * The cdktn row is typed with cdktf's types (the two cores have the same API under different package
 * names, and their classes are nominally distinct); at run time each row only ever uses its own core's
 * classes. The cdktn entry's own typing is checked by examples/cdktn and scripts/check-package.sh.
 */
import * as cdktf from "cdktf";
import * as cdktn from "cdktn";
import * as cdktfConstructs from "../../src/constructs/cdktf";
import * as cdktnConstructs from "../../src/constructs/cdktn";

/** One core and the constructs built for it. */
export interface CoreUnderTest {
  name: "cdktf" | "cdktn";
  /** The core package (`cdktf` or `cdktn`). */
  core: typeof cdktf;
  /** Its entry point of this package (`vsphere-guest/cdktf` or `vsphere-guest/cdktn`). */
  lib: typeof cdktfConstructs;
}

export const CORES: CoreUnderTest[] = [
  { name: "cdktf", core: cdktf, lib: cdktfConstructs },
  {
    name: "cdktn",
    core: cdktn as unknown as typeof cdktf,
    lib: cdktnConstructs as unknown as typeof cdktfConstructs,
  },
];
