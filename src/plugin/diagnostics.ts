/** Building diagnostics: the user channel of the provider. */
import type { AttributePathStep, Diagnostic } from "./protocol/types";

/** An attribute path from names, e.g. `attr("credentials", "password")`. */
export function attr(...names: string[]): AttributePathStep[] {
  return names.map((attributeName) => ({ attributeName }));
}

/** An error diagnostic, pointing at `attribute` when given. */
export function errorDiag(summary: string, detail: string, attribute?: AttributePathStep[]): Diagnostic {
  return { severity: "error", summary, detail, ...(attribute ? { attribute } : {}) };
}

/** A warning diagnostic, pointing at `attribute` when given. */
export function warningDiag(summary: string, detail: string, attribute?: AttributePathStep[]): Diagnostic {
  return { severity: "warning", summary, detail, ...(attribute ? { attribute } : {}) };
}

/** Whether any diagnostic is an error. */
export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === "error");
}
