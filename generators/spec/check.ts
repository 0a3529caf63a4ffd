/**
 * A small collector of validation issues for the event-spec language: every problem is kept with
 * its path (`/streams/orders/fields/amount/sd`), so a user fixes them all in one go. Hand-written
 * rather than zod: the language is recursive and keyed by `type`, and its messages name the
 * allowed fields and values of the very type the user wrote.
 */
import type { Issue } from '../../errors.ts';

const got = (v: unknown): string =>
  v === null
    ? 'null'
    : Array.isArray(v)
      ? 'an array'
      : typeof v === 'string'
        ? `"${v}"`
        : typeof v === 'number' || typeof v === 'boolean'
          ? String(v)
          : typeof v;

export interface NumberRule {
  min?: number;
  max?: number;
  /** strictly greater than min */
  above?: number;
  int?: boolean;
}

export class Checker {
  readonly issues: Issue[] = [];

  add(path: string, message: string): void {
    this.issues.push({ path: path || '/', message });
  }

  /** a plain object whose keys are all in `allowed` (else undefined, with an issue) */
  object(
    v: unknown,
    path: string,
    allowed?: readonly string[],
    what = 'an object',
  ): Record<string, unknown> | undefined {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) {
      this.add(path, `expected ${what}, got ${got(v)}`);
      return undefined;
    }
    const o = v as Record<string, unknown>;
    if (allowed) {
      for (const k of Object.keys(o)) {
        if (!allowed.includes(k)) this.add(`${path}/${k}`, `unknown field "${k}" (allowed: ${allowed.join(', ')})`);
      }
    }
    return o;
  }

  /** a finite number within the rule; undefined (with an issue) otherwise */
  number(v: unknown, path: string, rule: NumberRule = {}): number | undefined {
    const kind = rule.int ? 'an integer' : 'a number';
    const bounds =
      rule.min !== undefined && rule.max !== undefined
        ? `${kind} between ${rule.min} and ${rule.max}`
        : rule.above !== undefined
          ? `${kind} > ${rule.above}`
          : rule.min !== undefined
            ? `${kind} ≥ ${rule.min}`
            : rule.max !== undefined
              ? `${kind} ≤ ${rule.max}`
              : kind;
    if (typeof v !== 'number' || !Number.isFinite(v) || (rule.int && !Number.isInteger(v))) {
      this.add(path, v === undefined ? `missing: expected ${bounds}` : `expected ${bounds}, got ${got(v)}`);
      return undefined;
    }
    const low = rule.above !== undefined ? v <= rule.above : rule.min !== undefined && v < rule.min;
    if (low || (rule.max !== undefined && v > rule.max)) {
      this.add(path, `expected ${bounds}, got ${v}`);
      return undefined;
    }
    return v;
  }

  optionalNumber(o: Record<string, unknown>, key: string, path: string, rule: NumberRule = {}): number | undefined {
    return o[key] === undefined ? undefined : this.number(o[key], `${path}/${key}`, rule);
  }

  probability(v: unknown, path: string): number | undefined {
    return this.number(v, path, { min: 0, max: 1 });
  }

  string(v: unknown, path: string, nonEmpty = true): string | undefined {
    if (typeof v !== 'string' || (nonEmpty && v.length === 0)) {
      const want = `a${nonEmpty ? ' non-empty' : ''} string`;
      this.add(path, v === undefined ? `missing: expected ${want}` : `expected ${want}, got ${got(v)}`);
      return undefined;
    }
    return v;
  }

  oneOf<T extends string>(v: unknown, path: string, allowed: readonly T[]): T | undefined {
    if (typeof v !== 'string' || !(allowed as readonly string[]).includes(v)) {
      this.add(path, `expected one of ${allowed.map((a) => `"${a}"`).join(', ')}, got ${got(v)}`);
      return undefined;
    }
    return v as T;
  }

  /** weights: finite, ≥ 0, with a positive sum */
  weights(o: Record<string, unknown>, path: string): void {
    let sum = 0;
    for (const [k, w] of Object.entries(o)) {
      const x = this.number(w, `${path}/${k}`, { min: 0 });
      if (x !== undefined) sum += x;
    }
    if (Object.keys(o).length === 0) this.add(path, 'expected at least one entry');
    else if (sum === 0) this.add(path, 'the weights must not all be 0');
  }
}

/** a path segment written the way JSON pointers escape it */
export const seg = (k: string): string => k.replace(/~/g, '~0').replace(/\//g, '~1');
