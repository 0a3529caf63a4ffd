/**
 * Writers for spec events: object builders and JSON writers generated once per shape, so an
 * event is one object literal and its JSON one string expression, byte-identical to
 * JSON.stringify of the same object (tested). Also the value formats that need no clock or
 * allocation-heavy library: ISO-8601 times from epoch ms, seeded UUIDs, fixed-decimal numbers.
 *
 * Why generated code (new Function): a builder that stores fields by a variable name goes through
 * V8's megamorphic keyed stores, several times slower than an object literal; the generated
 * source holds only property names (JSON-quoted) and indices, never a user's value or code.
 */
import type { Rng } from '../rng.ts';
import { jsonMillis } from '../serialize.ts';

// biome-ignore lint/suspicious/noControlCharactersInRegex: JSON escapes control characters
const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;

/** true when JSON writes the string as '"' + s + '"' */
export const jsonSafe = (s: string): boolean => !NEEDS_ESCAPE.test(s);

function jsonStr(s: string): string {
  return NEEDS_ESCAPE.test(s) ? JSON.stringify(s) : `"${s}"`;
}

function jsonNum(x: number): string {
  return Number.isFinite(x) ? `${x}` : 'null';
}

const POW10 = [1, 10, 100, 1e3, 1e4, 1e5, 1e6];

/**
 * A number rounded to k ≤ 6 decimals as JSON.stringify writes it, through integer formatting.
 * Exact: when x is the double nearest to c/10^k with at most 15 significant digits, that decimal
 * (trailing zeros dropped) is its shortest round-trip form, which is what JSON.stringify prints;
 * anything else (and k > 6) takes JSON.stringify.
 */
export function jsonFixed(x: number, k: number): string {
  const p = POW10[k];
  if (p === undefined) return jsonNum(x);
  const c = Math.round(x * p);
  if (c / p !== x || c <= -1e15 || c >= 1e15) return jsonNum(x);
  const a = c < 0 ? -c : c;
  const whole = Math.floor(a / p);
  let frac = a - whole * p;
  const sign = c < 0 ? '-' : '';
  if (frac === 0) return sign + whole;
  let digits = k;
  while (frac % 10 === 0) {
    frac /= 10;
    digits--;
  }
  const f = `${frac}`;
  return `${sign + whole}.${'000000'.slice(0, digits - f.length)}${f}`;
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

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));
const hex4 = (x: number): string => HEX[(x >>> 8) & 255]! + HEX[x & 255]!;

/** an RFC 4122 version-4 UUID from four draws of the stream */
export function uuid(r: Rng): string {
  const a = r.nextU32(),
    b = r.nextU32(),
    c = r.nextU32(),
    d = r.nextU32();
  return (
    `${hex4(a >>> 16)}${hex4(a)}-${hex4(b >>> 16)}-${hex4((b & 0x0fff) | 0x4000)}-` +
    `${hex4(((c >>> 16) & 0x3fff) | 0x8000)}-${hex4(c)}${hex4(d >>> 16)}${hex4(d)}`
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
}

/** JSON.stringify of a value the writer cannot predict (undefined is written as null, as in arrays) */
export const jsonAny = (v: unknown): string => JSON.stringify(v) ?? 'null';

interface Helpers {
  m: typeof jsonMillis;
  s: typeof jsonStr;
  n: typeof jsonNum;
  f: typeof jsonFixed;
  a: typeof jsonAny;
  w: ((v: unknown) => string)[];
}

function expr(j: JsonField, x: string, h: Helpers): string {
  const k = j.json;
  let e: string;
  switch (k.kind) {
    case 'safe-str':
      e = `'"' + ${x} + '"'`;
      break;
    case 'str':
      e = `h.s(${x})`;
      break;
    case 'int':
      e = `('' + ${x})`;
      break;
    case 'millis':
      e = `h.m(${x})`;
      break;
    case 'num':
      e = `h.n(${x})`;
      break;
    case 'fixed':
      e = `h.f(${x}, ${k.k})`;
      break;
    case 'bool':
      e = `(${x} ? 'true' : 'false')`;
      break;
    case 'const':
      return JSON.stringify(k.text);
    case 'any':
      return `h.a(${x})`;
    case 'write':
      h.w.push(k.write);
      e = `h.w[${h.w.length - 1}](${x})`;
  }
  return j.nullable ? `(${x} === null ? 'null' : ${e})` : e;
}

/** the order JSON.stringify walks these keys in (integer-like keys first, ascending) */
function keyOrder(keys: readonly string[]): string[] {
  const o: Record<string, number> = {};
  for (const k of keys) o[k] = 0;
  return Object.keys(o);
}

/** a JSON writer for objects with exactly these fields (as built by `objectBuilder`) */
export function objectWriter(fields: ReadonlyMap<string, JsonField>): (e: unknown) => string {
  const h: Helpers = { m: jsonMillis, s: jsonStr, n: jsonNum, f: jsonFixed, a: jsonAny, w: [] };
  const order = keyOrder([...fields.keys()]);
  if (order.length === 0) return () => '{}';
  const parts = order.map((k, i) => {
    const key = `${i === 0 ? '{' : ','}${JSON.stringify(k)}:`;
    return `${JSON.stringify(key)} + ${expr(fields.get(k)!, `e[${JSON.stringify(k)}]`, h)}`;
  });
  const make = new Function('h', `return function write(e) { return ${parts.join(' + ')} + '}'; };`);
  return (make as (h: Helpers) => (e: unknown) => string)(h);
}

/** a JSON writer for one value of a known kind (array items) */
export function valueWriter(j: JsonField): (v: unknown) => string {
  const h: Helpers = { m: jsonMillis, s: jsonStr, n: jsonNum, f: jsonFixed, a: jsonAny, w: [] };
  const make = new Function('h', `return function write(x) { return ${expr(j, 'x', h)}; };`);
  return (make as (h: Helpers) => (v: unknown) => string)(h);
}

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
