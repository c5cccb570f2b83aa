/**
 * The adapter between the hand-written constructs and a construct core: cdktf (CDK for Terraform) or
 * cdktn (CDK Terrain, its continuation under a new package name). The constructs are written once
 * against {@link ConstructCore}; each core's entry point (`./cdktf`, `./cdktn`) passes its own classes
 * and names its own types in a {@link CoreTypes}, so the constructs it exports are typed with that
 * core's classes.
 */

import type { IConstruct } from "constructs";

/**
 * The types a core contributes to the constructs' public types (each core's entry point fills them in
 * with its own classes, e.g. `cdktf.IResolvable` or `cdktn.IResolvable`).
 */
export interface CoreTypes {
  /** `IResolvable`: a token. */
  readonly resolvable: object;
  /** `ITerraformDependable`: anything with an address that `depends_on` can name. */
  readonly dependable: { readonly fqn: string };
  /** `TerraformProvider`. */
  readonly provider: object;
  /** `TerraformOutput` (its `dependsOn` holds dependables, not addresses). */
  readonly output: { dependsOn?: Array<{ readonly fqn: string }> };
  /** What a gate can make wait: the core's resources, data sources, modules and outputs. */
  readonly gateTarget: object;
}

/** A value the core's expression builders accept. */
export type CoreExpression<T extends CoreTypes> = string | number | boolean | T["resolvable"];

/**
 * The parts of a core the constructs use, under the core's own names, so that an entry point passes
 * its core module as it is (`defineGuestProcess(cdktf, …)`) and the compiler checks it fits.
 */
export interface ConstructCore<T extends CoreTypes> {
  /** `Annotations.of(scope).addWarning(…)`: a warning shown at synth. */
  readonly Annotations: { of(scope: IConstruct): { addWarning(message: string): void } };
  /** `dependable(element)`: the bare address for a `depends_on` list. */
  dependable(element: T["dependable"]): string;
  /** `conditional(cond, a, b)`: the HCL `cond ? a : b`. */
  conditional(
    condition: CoreExpression<T>,
    trueValue: CoreExpression<T>,
    falseValue: CoreExpression<T>,
  ): T["resolvable"];
  /** `Op.eq(a, b)`: the HCL `a == b`. */
  readonly Op: { eq(left: CoreExpression<T>, right: CoreExpression<T>): T["resolvable"] };
  /** The HCL functions the constructs call. */
  readonly Fn: {
    join(separator: string, list: string[]): string;
    contains(list: CoreExpression<T> | number[], value: CoreExpression<T>): T["resolvable"];
  };
  /** `self.…` inside a lifecycle condition. */
  readonly TerraformSelf: {
    getString(key: string): string;
    getNumber(key: string): number;
    getAny(key: string): T["resolvable"];
  };
  /** Token encoding. */
  readonly Token: {
    isUnresolved(value: unknown): boolean;
    asString(value: unknown): string;
    asList(value: unknown): string[];
    nullValue(): T["resolvable"];
  };
  /** Telling outputs (whose `dependsOn` holds dependables) from other gate targets. */
  readonly TerraformOutput: { isTerraformOutput(value: unknown): value is T["output"] };
}
