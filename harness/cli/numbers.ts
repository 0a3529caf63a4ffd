/**
 * Number flags of every CLI command, one parser: a bad value is a PipelabError naming the flag,
 * what it accepts and an example (`invalid --port: expected an integer in [0, 65535], got 'abc'`).
 */
import { PipelabError } from '../../errors.ts';

export interface NumberRule {
  /** whole numbers only */
  int?: boolean;
  /** inclusive bounds */
  min?: number;
  max?: number;
  /** strictly above zero (for rates, durations, SLOs) */
  positive?: boolean;
  /** a valid value for the hint (default: min, or 1) */
  example?: number | string;
}

function accepted(r: NumberRule): string {
  const kind = r.int ? 'an integer' : 'a number';
  if (r.min !== undefined && r.max !== undefined) return `${kind} in [${r.min}, ${r.max}]`;
  if (r.positive) return `${kind} > 0${r.max !== undefined ? ` and ≤ ${r.max}` : ''}`;
  if (r.min !== undefined) return `${kind} ≥ ${r.min}`;
  if (r.max !== undefined) return `${kind} ≤ ${r.max}`;
  return kind;
}

/** parses one number flag's value, or throws the PipelabError that names it */
export function parseNumberFlag(flag: string, v: string, rule: NumberRule = {}): number {
  const n = Number(v);
  const ok =
    v.trim() !== '' &&
    Number.isFinite(n) &&
    (!rule.int || Number.isInteger(n)) &&
    (!rule.positive || n > 0) &&
    (rule.min === undefined || n >= rule.min) &&
    (rule.max === undefined || n <= rule.max);
  if (ok) return n;
  const expected = `expected ${accepted(rule)}, got '${v}'`;
  throw new PipelabError('INVALID_ARGUMENT', `invalid ${flag}: ${expected}`, {
    hint: `for example ${flag} ${rule.example ?? rule.min ?? 1}`,
  });
}

/** the same for an optional flag: undefined stays undefined */
export function parseOptionalNumberFlag(
  flag: string,
  v: string | undefined,
  rule: NumberRule = {},
): number | undefined {
  return v === undefined ? undefined : parseNumberFlag(flag, v, rule);
}

/** a commander argument parser for `.option('--port <n>', ..., numberOption('--port', {...}), default)` */
export function numberOption(flag: string, rule: NumberRule): (v: string) => number {
  return (v) => parseNumberFlag(flag, v, rule);
}
