/**
 * Value formats for spec events that need no clock or allocation-heavy library: ISO-8601 times
 * from epoch ms, seeded UUIDs, fixed-decimal numbers; and the object builders generated once per
 * shape, so an event is one object literal (writers: writer.ts).
 *
 * Why generated code (new Function): a builder that stores fields by a variable name goes through
 * V8's megamorphic keyed stores, several times slower than an object literal; the generated
 * source holds only property names (JSON-quoted) and indices, never a user's value or code.
 */
import type { Rng } from '../rng.ts';
import { FRACTION, NUM3 } from '../digits.ts';

// biome-ignore lint/suspicious/noControlCharactersInRegex: JSON escapes control characters
const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;

/** true when JSON writes the string as '"' + s + '"' */
export const jsonSafe = (s: string): boolean => !NEEDS_ESCAPE.test(s);

export function jsonStr(s: string): string {
  return NEEDS_ESCAPE.test(s) ? JSON.stringify(s) : `"${s}"`;
}

export function jsonNum(x: number): string {
  return Number.isFinite(x) ? `${x}` : 'null';
}

const POW10 = [1, 10, 100, 1e3, 1e4, 1e5, 1e6];

/** the fraction f / 10^k (0 < f < 10^k) as JSON writes it after the whole part */
function fraction(f: number, k: number): string {
  const t = FRACTION[k];
  if (t !== undefined) return t[f]!;
  if (f === 0) return '';
  let digits = k;
  while (f % 10 === 0) {
    f /= 10;
    digits--;
  }
  const text = `${f}`;
  return `.${'000000'.slice(0, digits - text.length)}${text}`;
}

/**
 * A number rounded to k ≤ 6 decimals as JSON.stringify writes it, through integer formatting
 * (tables for whole parts below 1000 and fractions of up to 3 decimals). Exact: when x is the
 * double nearest to c/10^k with at most 15 significant digits, that decimal (trailing zeros
 * dropped) is its shortest round-trip form, which is what JSON.stringify prints; anything else
 * (and k > 6) takes JSON.stringify.
 */
export function jsonFixed(x: number, k: number): string {
  const p = POW10[k];
  if (p === undefined) return jsonNum(x);
  const c = Math.round(x * p);
  if (c / p !== x || c <= -1e15 || c >= 1e15) return jsonNum(x);
  const a = c < 0 ? -c : c;
  const whole = Math.floor(a / p);
  const text = (whole < 1000 ? NUM3[whole]! : `${whole}`) + fraction(a - whole * p, k);
  return c < 0 ? `-${text}` : text;
}

/**
 * Numbers rounded to k decimals as JSON writes them (jsonFixed), after the literal text `lead`:
 * whole parts below 1000 joined with the lead once, so a value costs one string add.
 */
export function fixedWriter(lead: string, k: number): (x: number) => string {
  const p = POW10[k];
  const t = FRACTION[k];
  if (p === undefined || t === undefined) return (x) => lead + jsonFixed(x, k);
  const heads: string[] = [];
  return (x) => {
    const c = Math.round(x * p);
    if (!(c >= 0 && c < 1000 * p) || c / p !== x) return lead + jsonFixed(x, k);
    const whole = Math.floor(c / p);
    let head = heads[whole];
    if (head === undefined) head = heads[whole] = lead + NUM3[whole]!;
    return head + t[c - whole * p]!;
  };
}

const two = (n: number): string => (n < 10 ? `0${n}` : `${n}`);
const three = (n: number): string => (n < 10 ? `00${n}` : n < 100 ? `0${n}` : `${n}`);

/** the calendar date of a day count since 1970-01-01 (H. Hinnant's civil_from_days) */
function civil(days: number): [number, number, number] {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  return [yoe + era * 400 + (m <= 2 ? 1 : 0), m, d];
}

// event times move slowly: the date part is formatted once per day
let isoDay = Number.NaN;
let isoDate = '';

/** epoch ms as Date.prototype.toISOString writes it ('2026-01-01T00:00:00.000Z') */
export function isoTime(ms: number): string {
  const t = Math.floor(ms);
  const day = Math.floor(t / 86_400_000);
  if (day !== isoDay) {
    const [y, m, d] = civil(day);
    const year =
      y >= 0 && y <= 9999 ? `${y}`.padStart(4, '0') : (y < 0 ? '-' : '+') + `${Math.abs(y)}`.padStart(6, '0');
    isoDate = `${year}-${two(m)}-${two(d)}T`;
    isoDay = day;
  }
  let r = t - day * 86_400_000;
  const h = Math.floor(r / 3_600_000);
  r -= h * 3_600_000;
  const mi = Math.floor(r / 60_000);
  r -= mi * 60_000;
  const s = Math.floor(r / 1000);
  return `${isoDate}${two(h)}:${two(mi)}:${two(s)}.${three(r - s * 1000)}Z`;
}

/** character codes of the hex digits (a JS array of small integers: no typed-array load per digit) */
const HEX_CODE: readonly number[] = Array.from('0123456789abcdef', (c) => c.charCodeAt(0));
const hex = (x: number, shift: number): number => HEX_CODE[(x >> shift) & 15]!;
const DASH = 45;

/**
 * An RFC 4122 version-4 UUID from four draws of the stream: version nibble 4, variant bits 10.
 * One String.fromCharCode of the 36 character codes, no intermediate strings; the words are kept
 * as int32 (`| 0`), so the shifts need no conversion from a double.
 */
export function uuid(r: Rng): string {
  const a = r.nextU32() | 0;
  const b = (r.nextU32() & 0xffff0fff) | 0x4000;
  const c = (r.nextU32() & 0x3fffffff) | 0x80000000;
  const d = r.nextU32() | 0;
  // biome-ignore format: the 36 characters, group by group
  return String.fromCharCode(
    hex(a, 28), hex(a, 24), hex(a, 20), hex(a, 16), hex(a, 12), hex(a, 8), hex(a, 4), hex(a, 0), DASH,
    hex(b, 28), hex(b, 24), hex(b, 20), hex(b, 16), DASH,
    hex(b, 12), hex(b, 8), hex(b, 4), hex(b, 0), DASH,
    hex(c, 28), hex(c, 24), hex(c, 20), hex(c, 16), DASH,
    hex(c, 12), hex(c, 8), hex(c, 4), hex(c, 0),
    hex(d, 28), hex(d, 24), hex(d, 20), hex(d, 16), hex(d, 12), hex(d, 8), hex(d, 4), hex(d, 0),
  );
}

/** how a field's value is written, known when the spec is compiled */
type JsonKind =
  | { kind: 'safe-str' }
  | { kind: 'str' }
  | { kind: 'int' }
  /** epoch ms (integers near 1.7e12: their leading digits are formatted once) */
  | { kind: 'millis' }
  | { kind: 'num' }
  | { kind: 'fixed'; k: number }
  | { kind: 'bool' }
  | { kind: 'const'; text: string }
  | { kind: 'any' }
  | { kind: 'write'; write: (v: unknown) => string };

export interface JsonField {
  json: JsonKind;
  nullable: boolean;
  /** every value the field can take (null too when nullable), when they are few */
  values?: readonly unknown[];
}

/** JSON.stringify of a value the writer cannot predict (undefined is written as null, as in arrays) */
export const jsonAny = (v: unknown): string => JSON.stringify(v) ?? 'null';

export type Maker<C> = (c: C) => unknown;

/**
 * A builder of objects with these keys: each value made in order by its maker (top-level ones
 * also kept in c.vals for templates), then one object literal.
 */
export function objectBuilder<C extends { vals: unknown[] }>(
  keys: readonly string[],
  makers: readonly Maker<C>[],
  keepVals: boolean,
): (c: C) => Record<string, unknown> {
  const lines = keys.map((_, i) => `const a${i} = f[${i}](c);${keepVals ? ` v[${i}] = a${i};` : ''}`);
  const literal = keys.map((k, i) => `${JSON.stringify(k)}: a${i}`).join(', ');
  const body = `${keepVals ? 'const v = c.vals;\n' : ''}${lines.join('\n')}\nreturn { ${literal} };`;
  const make = new Function('f', `return function build(c) {\n${body}\n};`);
  return (make as (f: readonly Maker<C>[]) => (c: C) => Record<string, unknown>)(makers);
}
