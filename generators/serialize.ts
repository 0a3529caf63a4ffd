/**
 * Wire formats of generated events: JSON (one object per line) and Avro (avsc, schemas in
 * generators/schemas/). Both round-trip.
 *
 * JSON: a hand-written serializer for the fixed Transaction/UserEvent shapes, byte-identical to
 * JSON.stringify of the same object (tested) and faster, since it skips the generic property
 * walk. Strings that would need escaping fall back to JSON.stringify (generated ids never do,
 * but events built by hand might).
 */
import avro from 'avsc';
import { TRANSACTION_AVSC, USER_EVENT_AVSC } from './schemas/index.ts';
import { CHANNELS, FRAUD_PATTERNS, type Transaction } from './transactions.ts';
import { lastBuilt, type JsonPieces } from './built.ts';
import { COUNTRIES } from './geo.ts';
import { DEVICE_TYPES, USER_EVENT_TYPES, type UserEvent } from './user-events.ts';
import { PipelabError } from '../errors.ts';
import { Rng } from './rng.ts';
import { FRACTION, NUM3, PAD3 } from './digits.ts';
import { avroEncoder } from './formats/avro-slab.ts';

/** characters JSON must escape (plus lone surrogates, which JSON.stringify escapes since ES2019) */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point: JSON escapes them
const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;

function str(s: string): string {
  return NEEDS_ESCAPE.test(s) ? JSON.stringify(s) : `"${s}"`;
}

/**
 * true when JSON writes s as '"' + s + '"': no quote, backslash, control character or surrogate
 * (lone surrogates are escaped by JSON.stringify; paired ones are refused here too, which only
 * sends such strings down the slower, still exact, path). A loop over the characters: short ids
 * are checked faster than a regex can be entered, and no concatenation has to be flattened.
 */
export function plain(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c === 34 || c === 92 || (c >= 0xd800 && c <= 0xdfff)) return false;
  }
  return true;
}

/**
 * A 2-decimal amount as JSON.stringify writes it, through integer formatting (much cheaper than
 * the shortest-double algorithm). Exact: when x is the double nearest to cents/100 and has at
 * most 15 significant digits, that decimal (trailing zeros dropped) is its shortest round-trip
 * form, which is what JSON.stringify prints. Anything else takes JSON.stringify.
 */
export function jsonMoney(x: number): string {
  const c = Math.round(x * 100);
  if (c / 100 !== x || c < 0 || c >= 1e15) return JSON.stringify(x);
  const whole = Math.floor(c / 100);
  const cents = CENTS[c - whole * 100] as string;
  if (whole < 1000) return (NUM3[whole] as string) + cents;
  if (whole < 1e6) {
    const hi = Math.floor(whole / 1000);
    return (NUM3[hi] as string) + (PAD3[whole - hi * 1000] as string) + cents;
  }
  return whole + cents;
}
/** the fraction of a 2-decimal amount as JSON writes it: '', '.5', '.05', '.25' */
const CENTS = FRACTION[2] as readonly string[];

// epoch-ms timestamps share their leading digits for ~17 minutes, and all but their last three for a
// second: both are formatted once
let msHigh = -1;
let msHighStr = '';
let msSecond = -1;
let msSecondStr = '';
/** an integer epoch-ms time as JSON.stringify writes it */
export function jsonMillis(t: number): string {
  if (!Number.isInteger(t) || t < 1e6 || t >= 1e15) return JSON.stringify(t);
  const s = Math.floor(t / 1000);
  if (s !== msSecond) {
    const hi = Math.floor(t / 1e6);
    if (hi !== msHigh) {
      msHigh = hi;
      msHighStr = `${hi}`;
    }
    msSecond = s;
    msSecondStr = msHighStr + PAD3[s - hi * 1000]!;
  }
  return msSecondStr + PAD3[t - s * 1000]!;
}

/**
 * A transaction's JSON from its currency to the eventTime key, written once for each country of
 * the table with its own currency (what the generator sends) and each channel: four concatenations
 * and three escape checks an event fewer. Any other pair goes the field-by-field way.
 */
const MIDDLES = new Map(
  COUNTRIES.map((c) => [
    c.code,
    {
      currency: c.currency,
      byChannel: CHANNELS.map(
        (ch) => `,"currency":"${c.currency}","country":"${c.code}","channel":"${ch}","eventTime":`,
      ),
    },
  ]),
);
/** the end of a transaction's JSON from the isFraud key, [(isFraud ? patterns : 0) + pattern]; closed: with the '}' */
const ENDS = [false, true].flatMap((f) => FRAUD_PATTERNS.map((p) => `,"isFraud":${f},"fraudPattern":"${p}"`));
const CLOSED = ENDS.map((e) => `${e}}`);

function middleOf(t: Transaction): string | undefined {
  const m = MIDDLES.get(t.country);
  if (m === undefined || t.currency !== m.currency) return undefined;
  const i = CHANNELS.indexOf(t.channel);
  return i < 0 ? undefined : m.byChannel[i];
}

function endOf(t: Transaction): string | undefined {
  const i = FRAUD_PATTERNS.indexOf(t.fraudPattern);
  if (i < 0) return undefined;
  const k = (t.isFraud ? FRAUD_PATTERNS.length : 0) + i;
  return t.cardNumber === undefined && t.email === undefined && t.ipAddress === undefined
    ? (CLOSED[k] as string)
    : `${(ENDS[k] as string) + piiJson(t)}}`;
}

/** the ids and amount, the same first fields in both paths whose strings need no escaping */
function plainHead(t: Transaction): string {
  return (
    '{"id":"' +
    t.id +
    '","userId":"' +
    t.userId +
    '","deviceId":"' +
    t.deviceId +
    '","merchantId":"' +
    t.merchantId +
    '","amount":' +
    jsonMoney(t.amount)
  );
}

/** true when t is the transaction a stream built last, its id strings untouched (no escapes needed) */
function vouched(t: Transaction): boolean {
  const b = lastBuilt;
  return (
    b.tx === t && b.id === t.id && b.userId === t.userId && b.deviceId === t.deviceId && b.merchantId === t.merchantId
  );
}

/** by lastBuilt.middle (country × CHANNELS.length + channel): its JSON and the strings it stands for */
const MIDDLE: readonly string[] = COUNTRIES.flatMap((c) =>
  CHANNELS.map((ch) => `,"currency":"${c.currency}","country":"${c.code}","channel":"${ch}","eventTime":`),
);
const MIDDLE_CURRENCY = COUNTRIES.flatMap((c) => CHANNELS.map(() => c.currency));
const MIDDLE_COUNTRY = COUNTRIES.flatMap((c) => CHANNELS.map(() => c.code));
const MIDDLE_CHANNEL = COUNTRIES.flatMap(() => CHANNELS);

/**
 * The JSON of the normal payment a stream built last, from the pieces it says (lastBuilt) while every
 * field but the amount and time still holds what the stream wrote; undefined for anything else.
 */
function builtJson(t: Transaction): string | undefined {
  const b = lastBuilt,
    m = b.middle;
  if (
    m < 0 ||
    b.tx !== t ||
    t.id !== b.id ||
    t.userId !== b.userId ||
    t.deviceId !== b.deviceId ||
    t.merchantId !== b.merchantId ||
    t.currency !== MIDDLE_CURRENCY[m] ||
    t.country !== MIDDLE_COUNTRY[m] ||
    t.channel !== MIDDLE_CHANNEL[m] ||
    t.isFraud !== false ||
    t.fraudPattern !== 'none' ||
    t.cardNumber !== undefined ||
    t.email !== undefined ||
    t.ipAddress !== undefined
  )
    return undefined;
  const pieces = b.pieces as JsonPieces;
  const user = b.user >= 0 ? pieces.user(b.user) : `","userId":"${t.userId}","deviceId":"${t.deviceId}","merchantId":"`;
  return (
    '{"id":"' +
    t.id +
    user +
    pieces.merchant(b.merchant) +
    jsonMoney(t.amount) +
    MIDDLE[m] +
    jsonMillis(t.eventTime) +
    CLOSED[0]
  );
}

export function transactionToJson(t: Transaction): string {
  const built = builtJson(t);
  if (built !== undefined) return built;
  const middle = middleOf(t),
    end = endOf(t);
  if (middle !== undefined && end !== undefined && vouched(t))
    return plainHead(t) + middle + jsonMillis(t.eventTime) + end;
  if (
    middle !== undefined &&
    end !== undefined &&
    plain(t.id) &&
    plain(t.userId) &&
    plain(t.deviceId) &&
    plain(t.merchantId)
  ) {
    return plainHead(t) + middle + jsonMillis(t.eventTime) + end;
  }
  // generated strings never need escaping: checked each, else written field by field
  if (
    !(
      plain(t.id) &&
      plain(t.userId) &&
      plain(t.deviceId) &&
      plain(t.merchantId) &&
      plain(t.currency) &&
      plain(t.country) &&
      plain(t.channel) &&
      plain(t.fraudPattern)
    )
  ) {
    return (
      '{"id":' +
      str(t.id) +
      ',"userId":' +
      str(t.userId) +
      ',"deviceId":' +
      str(t.deviceId) +
      ',"merchantId":' +
      str(t.merchantId) +
      ',"amount":' +
      jsonMoney(t.amount) +
      ',"currency":' +
      str(t.currency) +
      ',"country":' +
      str(t.country) +
      ',"channel":' +
      str(t.channel) +
      ',"eventTime":' +
      jsonMillis(t.eventTime) +
      ',"isFraud":' +
      (t.isFraud ? 'true' : 'false') +
      ',"fraudPattern":' +
      str(t.fraudPattern) +
      piiJson(t) +
      '}'
    );
  }
  return (
    plainHead(t) +
    ',"currency":"' +
    t.currency +
    '","country":"' +
    t.country +
    '","channel":"' +
    t.channel +
    '","eventTime":' +
    jsonMillis(t.eventTime) +
    ',"isFraud":' +
    (t.isFraud ? 'true' : 'false') +
    ',"fraudPattern":"' +
    t.fraudPattern +
    '"' +
    piiJson(t) +
    '}'
  );
}

/** the PII fields of a transaction generated with `pii: true` (generators/pii.ts), else '' */
function piiJson(t: Transaction): string {
  if (t.cardNumber === undefined && t.email === undefined && t.ipAddress === undefined) return '';
  let out = '';
  if (t.cardNumber !== undefined) out += `,"cardNumber":${str(t.cardNumber)}`;
  if (t.email !== undefined) out += `,"email":${str(t.email)}`;
  if (t.ipAddress !== undefined) out += `,"ipAddress":${str(t.ipAddress)}`;
  return out;
}

export function userEventToJson(e: UserEvent): string {
  if (!(plain(e.id) && plain(e.userId) && plain(e.sessionId) && plain(e.type) && plain(e.page) && plain(e.device))) {
    return (
      '{"id":' +
      str(e.id) +
      ',"userId":' +
      str(e.userId) +
      ',"sessionId":' +
      str(e.sessionId) +
      ',"type":' +
      str(e.type) +
      ',"page":' +
      str(e.page) +
      ',"eventTime":' +
      jsonMillis(e.eventTime) +
      ',"device":' +
      str(e.device) +
      '}'
    );
  }
  return (
    '{"id":"' +
    e.id +
    '","userId":"' +
    e.userId +
    '","sessionId":"' +
    e.sessionId +
    '","type":"' +
    e.type +
    '","page":"' +
    e.page +
    '","eventTime":' +
    jsonMillis(e.eventTime) +
    ',"device":"' +
    e.device +
    '"}'
  );
}

function bad(what: string, path: string, message: string): never {
  throw new PipelabError('INVALID_INPUT_FILE', `not a ${what}`, { issues: [{ path, message }] });
}
function expect(
  o: Record<string, unknown>,
  what: string,
  key: string,
  type: 'string' | 'number' | 'boolean',
  allowed?: readonly string[],
): void {
  const v = o[key];
  if (typeof v !== type) bad(what, `/${key}`, `expected a ${type}, got ${v === null ? 'null' : typeof v}`);
  if (allowed && !allowed.includes(v as string))
    bad(what, `/${key}`, `expected one of ${allowed.join(', ')}, got '${String(v)}'`);
}

/** parse one JSON line back into a Transaction, checking every field (INVALID_INPUT_FILE otherwise) */
export function transactionFromJson(line: string): Transaction {
  const o = JSON.parse(line) as Record<string, unknown>;
  if (o === null || typeof o !== 'object') bad('transaction', '', 'expected a JSON object');
  for (const k of ['id', 'userId', 'deviceId', 'merchantId', 'currency', 'country'] as const)
    expect(o, 'transaction', k, 'string');
  expect(o, 'transaction', 'amount', 'number');
  expect(o, 'transaction', 'eventTime', 'number');
  expect(o, 'transaction', 'isFraud', 'boolean');
  expect(o, 'transaction', 'channel', 'string', CHANNELS);
  expect(o, 'transaction', 'fraudPattern', 'string', FRAUD_PATTERNS);
  for (const k of ['cardNumber', 'email', 'ipAddress'] as const)
    if (o[k] !== undefined) expect(o, 'transaction', k, 'string');
  return o as unknown as Transaction;
}

export function userEventFromJson(line: string): UserEvent {
  const o = JSON.parse(line) as Record<string, unknown>;
  if (o === null || typeof o !== 'object') bad('user event', '', 'expected a JSON object');
  for (const k of ['id', 'userId', 'sessionId', 'page'] as const) expect(o, 'user event', k, 'string');
  expect(o, 'user event', 'eventTime', 'number');
  expect(o, 'user event', 'type', 'string', USER_EVENT_TYPES);
  expect(o, 'user event', 'device', 'string', DEVICE_TYPES);
  return o as unknown as UserEvent;
}

/** avsc Types for the schemas (long as JS number: event times are far below 2^53) */
export const transactionAvroType = avro.Type.forSchema(TRANSACTION_AVSC as unknown as avro.Schema);
export const userEventAvroType = avro.Type.forSchema(USER_EVENT_AVSC as unknown as avro.Schema);

const encodeTransaction = avroEncoder(transactionAvroType);
const encodeUserEvent = avroEncoder(userEventAvroType);

/** Avro binary of a transaction: the bytes of avsc's toBuffer, a view into a shared slab (formats/avro-slab.ts) */
export function transactionToAvro(t: Transaction): Buffer {
  return encodeTransaction(t);
}
export function transactionFromAvro(buf: Buffer): Transaction {
  return transactionAvroType.fromBuffer(buf) as Transaction;
}
export function userEventToAvro(e: UserEvent): Buffer {
  return encodeUserEvent(e);
}
export function userEventFromAvro(buf: Buffer): UserEvent {
  return userEventAvroType.fromBuffer(buf) as UserEvent;
}

/**
 * The 16-byte sync marker of an Avro object container file, derived from the stream's seed:
 * avsc picks a random one by default, which would make the same seed give different files.
 */
export function avroSyncMarker(seed: number): Buffer {
  const r = new Rng(seed).fork('avro-sync-marker');
  const b = Buffer.alloc(16);
  for (let i = 0; i < 16; i += 4) b.writeUInt32LE(r.nextU32(), i);
  return b;
}
