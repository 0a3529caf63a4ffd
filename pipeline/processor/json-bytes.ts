/**
 * Reading the JSON records pipelab writes itself from their bytes, when they have the plain layout its writers give
 * them (no spaces, the fields in their order, strings of printable ASCII without escapes, numbers in JSON's grammar):
 * then the values are exactly what JSON.parse gives, without decoding the whole record to a string and parsing it.
 * Anything else is undefined here and its reader parses it as before. A transaction as the processors read it
 * (generators/serialize.ts transactionToJson); the results observer reads decisions the same way
 * (harness/targets/pipeline/decision-value.ts).
 */
import { CHANNELS, FRAUD_PATTERNS, type Transaction } from '../../generators/transactions.ts';
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

type Slice = (this: Buffer, at: number, end: number) => string;
/**
 * Buffer's own latin1 slice, what toString('latin1', at, end) calls after checking its arguments (a third of the time
 * of reading a transaction); toString where a runtime has no such method
 */
const latin1: Slice =
  (Buffer.prototype as unknown as { latin1Slice?: Slice }).latin1Slice ??
  function (this: Buffer, at: number, end: number) {
    return this.toString('latin1', at, end);
  };
/** a string's text b[at, end), printable ASCII as textEnd found it */
export const text = (b: Buffer, at: number, end: number): string => latin1.call(b, at, end);

const ID = part('{"id":"');
const USER_ID = part('","userId":"');
const DEVICE_ID = part('","deviceId":"');
const MERCHANT_ID = part('","merchantId":"');
const AMOUNT = part('","amount":');
const CURRENCY = part(',"currency":"');
const COUNTRY = part('","country":"');
const CHANNEL = part('","channel":"');
const EVENT_TIME = part('","eventTime":');
const IS_FRAUD = part(',"isFraud":');
const TRUE = part('true');
const FALSE = part('false');
const FRAUD_PATTERN = part(',"fraudPattern":"');
const END = part('"}');
const CHANNEL_BYTES = CHANNELS.map(part);
const PATTERN_BYTES = FRAUD_PATTERNS.map(part);

/** the member of `names` whose bytes end at the quote at `e`, from `at`; undefined for any other text */
function oneOf<T extends string>(
  b: Buffer,
  at: number,
  e: number,
  names: readonly T[],
  bytes: Buffer[],
): T | undefined {
  for (let k = 0; k < bytes.length; k++) if (lit(b, at, bytes[k] as Buffer) === e) return names[k];
  return undefined;
}

/**
 * A transaction without PII fields from its bytes, the object JSON.parse makes of them (the same fields in the same
 * order) when every field has the type and enum transactionFromJson checks; undefined for anything else
 */
export function transactionFromBytes(b: Buffer): Transaction | undefined {
  let i = lit(b, 0, ID);
  let e = textEnd(b, i);
  const id = e < 0 ? '' : text(b, i, e);
  i = lit(b, e, USER_ID);
  e = textEnd(b, i);
  const userId = e < 0 ? '' : text(b, i, e);
  i = lit(b, e, DEVICE_ID);
  e = textEnd(b, i);
  const deviceId = e < 0 ? '' : text(b, i, e);
  i = lit(b, e, MERCHANT_ID);
  e = textEnd(b, i);
  const merchantId = e < 0 ? '' : text(b, i, e);
  i = lit(b, e, AMOUNT);
  e = numberEnd(b, i);
  const amount = plainNumber(b, i, e);
  if (Number.isNaN(amount)) return undefined;
  i = lit(b, e, CURRENCY);
  e = textEnd(b, i);
  const currency = e < 0 ? '' : text(b, i, e);
  i = lit(b, e, COUNTRY);
  e = textEnd(b, i);
  const country = e < 0 ? '' : text(b, i, e);
  i = lit(b, e, CHANNEL);
  e = textEnd(b, i);
  const channel = e < 0 ? undefined : oneOf(b, i, e, CHANNELS, CHANNEL_BYTES);
  i = lit(b, e, EVENT_TIME);
  e = numberEnd(b, i);
  const eventTime = plainNumber(b, i, e);
  if (channel === undefined || Number.isNaN(eventTime)) return undefined;
  i = lit(b, e, IS_FRAUD);
  const isFraud = b[i] === 116;
  i = lit(b, lit(b, i, isFraud ? TRUE : FALSE), FRAUD_PATTERN);
  e = textEnd(b, i);
  const fraudPattern = e < 0 ? undefined : oneOf(b, i, e, FRAUD_PATTERNS, PATTERN_BYTES);
  if (fraudPattern === undefined || lit(b, e, END) !== b.length) return undefined;
  return { id, userId, deviceId, merchantId, amount, currency, country, channel, eventTime, isFraud, fraudPattern };
}
