/**
 * The compact /predict wire format: what ModelClient sends by default, beside the JSON API (which stays as it is for
 * everyone else's clients). A request with `content-type: application/vnd.pipelab.instances` carries
 *
 *   bytes 0-3   "PLI1"
 *   4-7         n, the instances (u32 LE, 1-1024)
 *   8-          five float64 LE columns of n each: amount, eventTime (epoch ms), user_transaction_count_1h,
 *               user_avg_transaction_amount_24h, user_device_risk_score
 *   8 + 40n-    7n string lengths (u32 LE, UTF-16 code units), row by row: id, userId, deviceId, merchantId,
 *               currency, country, channel
 *   8 + 68n-    those strings' UTF-8 text, one after another, to the end of the body
 *
 * and is answered (200) with `content-type: application/vnd.pipelab.predictions`:
 *
 *   bytes 0-3   "PLP1"
 *   4-7         n (u32 LE)
 *   8-11        t, the byte length of a JSON table `[[modelVersion, threshold], ...]` that follows at 12
 *   12 + t, rounded up to a multiple of 8: n float64 scores, then n u16 table indices, then n u8 flags
 *               (bit 0 fraud, bit 1 the rules answered)
 *
 * in request order; a prediction's id is its instance's transaction id. The labels (isFraud, fraudPattern) and other
 * fields are not sent: the model does not read them. Errors are the JSON API's, with the same field paths
 * (`/instances/3/transaction/amount`). Parsing JSON was the server's largest cost per request and building it the
 * client's (docs/pipeline.md, "A compact /predict body").
 */
import type { Prediction, ScoringInput } from '../types.ts';
import type { ValidationIssue } from './validate.ts';

export const COMPACT_INSTANCES = 'application/vnd.pipelab.instances';
export const COMPACT_PREDICTIONS = 'application/vnd.pipelab.predictions';
const MAX_COMPACT_INSTANCES = 1024;

const REQUEST_MAGIC = 0x31494c50; // "PLI1" read as u32 LE
const ANSWER_MAGIC = 0x31504c50; // "PLP1"
const STRINGS = ['id', 'userId', 'deviceId', 'merchantId', 'currency', 'country', 'channel'] as const;
const S = STRINGS.length;
const NUMBERS = 5;
const FRAUD = 1;
const RULES = 2;

/** n float64 LE from buf at off: a view when aligned, else a copy */
function f64s(buf: Uint8Array, off: number, n: number): Float64Array {
  const at = buf.byteOffset + off;
  if (at % 8 === 0) return new Float64Array(buf.buffer, at, n);
  return new Float64Array(buf.buffer.slice(at, at + n * 8));
}

function u32s(buf: Uint8Array, off: number, n: number): Uint32Array {
  const at = buf.byteOffset + off;
  if (at % 4 === 0) return new Uint32Array(buf.buffer, at, n);
  return new Uint32Array(buf.buffer.slice(at, at + n * 4));
}

/**
 * the compact body of these instances, or undefined when one does not fit the format (an event time given as an
 * ISO string, a field of the wrong type): the caller sends that request as JSON, and the server names the problem
 */
export function encodeInstances(xs: readonly ScoringInput[]): Buffer | undefined {
  const n = xs.length;
  if (n < 1 || n > MAX_COMPACT_INSTANCES) return undefined;
  const head = 8 + NUMBERS * 8 * n + S * 4 * n;
  const parts = new Array<string>(S * n);
  const meta = new ArrayBuffer(head);
  const nums = new Float64Array(meta, 8, NUMBERS * n);
  const lens = new Uint32Array(meta, 8 + NUMBERS * 8 * n, S * n);
  for (let i = 0; i < n; i++) {
    const { transaction: t, features: f } = xs[i]!;
    const a = t.amount;
    const e = t.eventTime;
    const c = f.user_transaction_count_1h;
    const v = f.user_avg_transaction_amount_24h;
    const r = f.user_device_risk_score;
    if (typeof a !== 'number' || typeof e !== 'number' || typeof c !== 'number') return undefined;
    if (typeof v !== 'number' || typeof r !== 'number') return undefined;
    nums[i] = a;
    nums[n + i] = e;
    nums[2 * n + i] = c;
    nums[3 * n + i] = v;
    nums[4 * n + i] = r;
    const at = i * S;
    const ss = [t.id, t.userId, t.deviceId, t.merchantId, t.currency, t.country, t.channel];
    for (let k = 0; k < S; k++) {
      const s = ss[k];
      if (typeof s !== 'string') return undefined;
      parts[at + k] = s;
      lens[at + k] = s.length;
    }
  }
  const text = parts.join('');
  const out = Buffer.allocUnsafe(head + Buffer.byteLength(text));
  new Uint8Array(meta).set([0x50, 0x4c, 0x49, 0x31], 0);
  new DataView(meta).setUint32(4, n, true);
  out.set(new Uint8Array(meta), 0);
  out.write(text, head, 'utf8');
  return out;
}

type Decoded = { ok: true; instances: ScoringInput[] } | { ok: false; issues: ValidationIssue[] };
const refuse = (path: string, message: string): Decoded => ({ ok: false, issues: [{ path, message }] });

/** the instances of a compact body, checked as the JSON schema checks them, or the issues with their paths */
export function decodeInstances(body: Buffer): Decoded {
  if (body.length < 8 || body.readUInt32LE(0) !== REQUEST_MAGIC)
    return refuse('/', `a ${COMPACT_INSTANCES} body starts with "PLI1" and the instance count (u32 LE)`);
  const n = body.readUInt32LE(4);
  if (n < 1 || n > MAX_COMPACT_INSTANCES)
    return refuse('/instances', `${n} instances: needs 1 to ${MAX_COMPACT_INSTANCES} per request`);
  const head = 8 + NUMBERS * 8 * n + S * 4 * n;
  if (body.length < head)
    return refuse('/', `${n} instances need at least ${head} bytes of columns and string lengths, got ${body.length}`);
  const nums = f64s(body, 8, NUMBERS * n);
  const lens = u32s(body, 8 + NUMBERS * 8 * n, S * n);
  const text = body.toString('utf8', head);
  let want = 0;
  for (let j = 0; j < S * n; j++) want += lens[j]!;
  if (want !== text.length)
    return refuse('/strings', `the string lengths add up to ${want} characters, the text has ${text.length}`);
  const issues: ValidationIssue[] = [];
  const out = new Array<ScoringInput>(n);
  let p = 0;
  for (let i = 0; i < n; i++) {
    const s: string[] = [];
    for (let k = 0; k < S; k++) {
      const len = lens[i * S + k]!;
      if (len === 0) issues.push({ path: `/instances/${i}/transaction/${STRINGS[k]}`, message: 'must not be empty' });
      s.push(text.substring(p, p + len));
      p += len;
    }
    const amount = nums[i]!;
    const eventTime = nums[n + i]!;
    const count = nums[2 * n + i]!;
    const avg = nums[3 * n + i]!;
    const risk = nums[4 * n + i]!;
    // all finite (a sum of finite numbers that overflows only sends the row to the full checks, which pass it)
    const finite = Number.isFinite(amount + eventTime + count + avg + risk);
    if (!(finite && amount >= 0 && count >= 0 && avg >= 0 && risk >= 0 && risk <= 1))
      checkNumbers(i, [amount, eventTime, count, avg, risk], issues);
    out[i] = {
      transaction: {
        id: s[0]!,
        userId: s[1]!,
        deviceId: s[2]!,
        merchantId: s[3]!,
        amount,
        currency: s[4]!,
        country: s[5]!,
        channel: s[6]!,
        eventTime,
      },
      features: {
        user_transaction_count_1h: count,
        user_avg_transaction_amount_24h: avg,
        user_device_risk_score: risk,
      },
    };
  }
  return issues.length ? { ok: false, issues } : { ok: true, instances: out };
}

/** the schema's numeric rules (validate.ts), with the same paths */
function checkNumbers(i: number, xs: number[], issues: ValidationIssue[]): void {
  const [amount, time, count, avg, risk] = xs as [number, number, number, number, number];
  const bad = (where: string, message: string) => issues.push({ path: `/instances/${i}/${where}`, message });
  if (!Number.isFinite(amount)) bad('transaction/amount', 'must be a finite number');
  else if (amount < 0) bad('transaction/amount', 'must be ≥ 0');
  if (!Number.isFinite(time)) bad('transaction/eventTime', 'must be a finite number');
  if (!Number.isFinite(count)) bad('features/user_transaction_count_1h', 'must be a finite number');
  else if (count < 0) bad('features/user_transaction_count_1h', 'must be ≥ 0');
  if (!Number.isFinite(avg)) bad('features/user_avg_transaction_amount_24h', 'must be a finite number');
  else if (avg < 0) bad('features/user_avg_transaction_amount_24h', 'must be ≥ 0');
  if (!Number.isFinite(risk)) bad('features/user_device_risk_score', 'must be a finite number');
  else if (risk < 0 || risk > 1) bad('features/user_device_risk_score', 'must be in [0, 1]');
}

/** the compact answer to a compact request */
export function encodePredictions(ps: readonly Prediction[]): Buffer {
  const n = ps.length;
  const table: [string, number][] = [];
  const index = new Map<string, number>();
  const rows = new Uint16Array(n);
  const flags = new Uint8Array(n);
  const scores = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const p = ps[i]!;
    const key = `${p.threshold} ${p.modelVersion}`;
    let at = index.get(key);
    if (at === undefined) {
      at = table.length;
      index.set(key, at);
      table.push([p.modelVersion, p.threshold]);
    }
    rows[i] = at;
    flags[i] = (p.fraud ? FRAUD : 0) | (p.source === 'rules' ? RULES : 0);
    scores[i] = p.score;
  }
  const json = Buffer.from(JSON.stringify(table));
  const cols = 12 + Math.ceil(json.length / 8) * 8;
  const out = Buffer.alloc(cols + n * 11);
  out.writeUInt32LE(ANSWER_MAGIC, 0);
  out.writeUInt32LE(n, 4);
  out.writeUInt32LE(json.length, 8);
  json.copy(out, 12);
  out.set(new Uint8Array(scores.buffer), cols);
  out.set(new Uint8Array(rows.buffer), cols + n * 8);
  out.set(flags, cols + n * 10);
  return out;
}

/** the predictions of a compact answer to these instances (their ids); throws on an answer that does not fit */
export function decodePredictions(body: Uint8Array, xs: readonly ScoringInput[]): Prediction[] {
  const b = Buffer.from(body.buffer, body.byteOffset, body.length);
  const n = xs.length;
  if (b.length < 12 || b.readUInt32LE(0) !== ANSWER_MAGIC || b.readUInt32LE(4) !== n)
    throw new Error(`the model server's ${COMPACT_PREDICTIONS} answer is not PLP1 with ${n} predictions`);
  const t = b.readUInt32LE(8);
  const cols = 12 + Math.ceil(t / 8) * 8;
  if (b.length !== cols + n * 11)
    throw new Error(`the model server's answer has ${b.length} bytes, not ${cols + n * 11}`);
  const table = JSON.parse(b.toString('utf8', 12, 12 + t)) as [string, number][];
  const scores = f64s(b, cols, n);
  const rows = b.subarray(cols + n * 8, cols + n * 10);
  const flags = b.subarray(cols + n * 10);
  const out = new Array<Prediction>(n);
  for (let i = 0; i < n; i++) {
    const e = table[rows[i * 2]! | (rows[i * 2 + 1]! << 8)];
    if (!e) throw new Error(`the model server's answer names a table entry it does not have for row ${i}`);
    const f = flags[i]!;
    out[i] = {
      id: xs[i]!.transaction.id,
      score: scores[i]!,
      fraud: (f & FRAUD) !== 0,
      source: f & RULES ? 'rules' : 'model',
      modelVersion: e[0],
      threshold: e[1],
    };
  }
  return out;
}
