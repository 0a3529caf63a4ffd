/**
 * Reading the JSON records pipelab writes itself from their bytes, when they have the plain layout its writers give
 * them (no spaces, the fields in their order, strings of printable ASCII without escapes, numbers in JSON's grammar):
 * then the values are exactly what JSON.parse gives, without decoding the whole record to a string and parsing it.
 * Anything else is undefined here and its reader parses it as before: the results observer's decisions
 * (harness/targets/pipeline/decision-value.ts).
 */
import { decimalAt } from './headers.ts';

export const part = (s: string): Buffer => Buffer.from(s, 'latin1');

/** the index after `p` when b holds it at `at`; -1 otherwise (and for at -1) */
export function lit(b: Buffer, at: number, p: Buffer): number {
  if (at < 0 || at + p.length > b.length) return -1;
  for (let i = 0; i < p.length; i++) if (b[at + i] !== p[i]) return -1;
  return at + p.length;
}

/** the index of the quote closing a string's text starting at `at`: printable ASCII, no backslash; -1 otherwise */
export function textEnd(b: Buffer, at: number): number {
  if (at < 0) return -1;
  for (let i = at; i < b.length; i++) {
    const c = b[i] as number;
    if (c === 34) return i;
    if (c < 0x20 || c === 92 || c >= 0x7f) return -1;
  }
  return -1;
}

const digit = (c: number | undefined) => c !== undefined && c >= 48 && c <= 57;

/** the index after a JSON number at `at` (-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?); -1 if none */
export function numberEnd(b: Buffer, at: number): number {
  if (at < 0) return -1;
  let i = at;
  if (b[i] === 45) i++;
  if (b[i] === 48) i++;
  else if (digit(b[i])) while (digit(b[i])) i++;
  else return -1;
  if (b[i] === 46) {
    i++;
    if (!digit(b[i])) return -1;
    while (digit(b[i])) i++;
  }
  if (b[i] === 101 || b[i] === 69) {
    i++;
    if (b[i] === 43 || b[i] === 45) i++;
    if (!digit(b[i])) return -1;
    while (digit(b[i])) i++;
  }
  return i;
}

/** the JSON number b[at, end) as JSON.parse reads it when it is a plain decimal; NaN otherwise (an exponent, ...) */
export function plainNumber(b: Buffer, at: number, end: number): number {
  return at < 0 || end < 0 ? Number.NaN : decimalAt(b, at, end);
}

/** a string's text b[at, end), printable ASCII as textEnd found it */
export const text = (b: Buffer, at: number, end: number): string => b.toString('latin1', at, end);
