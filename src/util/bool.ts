/** Booleans written as text, the way Terraform providers read them from the environment. */

/** `true`/`1`/`t`/`yes` and `false`/`0`/`f`/`no` (any case); anything else is `undefined`. */
export function parseBoolText(value: string): boolean | undefined {
  if (/^(1|true|t|yes)$/i.test(value.trim())) return true;
  if (/^(0|false|f|no)$/i.test(value.trim())) return false;
  return undefined;
}
