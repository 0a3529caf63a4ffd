/**
 * The records a processor writes: decisions (fraud-decisions), dead letters with the reason and
 * the source position in headers (dead-letter), window aggregates (processed-events). Every one
 * carries the event id, the receive time and the processor id, and the producer's send time
 * when the input had one, so the results consumer can measure each stage.
 */
import type { KafkaMessage, Message, TopicMessages } from 'kafkajs';
import { jsonMillis, jsonMoney, plain } from '../../generators/serialize.ts';
import type { Transaction } from '../../generators/transactions.ts';
import type { Prediction } from '../model-server/server.ts';
import { PII_HEADERS, sealObject, WHOLE_VALUE, type PiiSealer } from '../pii/cipher.ts';
import { epochNow, H, header, stageValue } from './headers.ts';
import type { WindowAggregate } from './windows.ts';

function carryHeaders(
  processorId: string,
  msg: KafkaMessage,
  id: string,
  received: number,
  extra: Record<string, string>,
): Record<string, string> {
  const h: Record<string, string> = {
    [H.eventId]: id,
    [H.receivedMs]: received.toFixed(3),
    [H.processor]: processorId,
    ...extra,
  };
  const sent = header(msg.headers, H.sentMs);
  if (sent !== undefined) h[H.sentMs] = sent;
  return h;
}

/**
 * The headers every decision of a chunk shares, encoded once per chunk: the producing client sends
 * a Buffer as it is, where each string would be encoded per record (six headers a decision).
 */
export interface ChunkHeaders {
  processor: Buffer;
  /** H.stageMs: received, features, inference and sink times in one header */
  stage: Buffer;
  partition?: Buffer;
}

export function chunkHeaders(processorId: string, received: number, t: ChunkTimings, partition?: number): ChunkHeaders {
  const c: ChunkHeaders = {
    processor: Buffer.from(processorId),
    stage: Buffer.from(stageValue(received, t)),
  };
  if (partition !== undefined) c.partition = Buffer.from(String(partition));
  return c;
}

/** a header of the input as it came (a Buffer from the consumer is passed on, not decoded and encoded again) */
function raw(msg: KafkaMessage, name: string): Buffer | string | undefined {
  const v = msg.headers?.[name];
  if (Buffer.isBuffer(v) || typeof v === 'string') return v;
  return header(msg.headers, name);
}

/** where a record came from and why it was not decided */
export interface DeadLetterOrigin {
  topic: string;
  partition: number;
  msg: KafkaMessage;
  id: string;
  received: number;
}

/** a dead letter carries at most this much of its input (a too-large record is cut; its size is in a header) */
const DLQ_VALUE_MAX = 16 * 1024;

export function deadLetterMessage(
  processorId: string,
  o: DeadLetterOrigin,
  reason: string,
  detail: string,
  pii?: PiiSealer,
): Message {
  const v = o.msg.value;
  const cut = v !== null && v.length > DLQ_VALUE_MAX;
  const kept = cut ? v.subarray(0, DLQ_VALUE_MAX) : v;
  // a record sealed under a destroyed key (a forgotten user) stays as it is: nothing to re-seal, no new key
  const sealed = !pii
    ? undefined
    : reason === 'pii-key-unknown'
      ? { value: kept?.toString('utf8') ?? '', headers: piiHeadersOf(o.msg) }
      : sealDeadLetter(pii, o.msg.key?.toString('utf8') ?? '', kept);
  return {
    key: o.msg.key,
    value: sealed ? sealed.value : kept,
    headers: carryHeaders(processorId, o.msg, o.id, o.received, {
      ...(sealed ? sealed.headers : {}),
      [H.reason]: reason,
      [H.detail]: detail.slice(0, 500),
      [H.sourceTopic]: o.topic,
      [H.sourcePartition]: String(o.partition),
      [H.sourceOffset]: o.msg.offset,
      [H.sinkMs]: epochNow().toFixed(3),
      ...(cut ? { [H.truncated]: String(v.length) } : {}),
    }),
  };
}

function piiHeadersOf(msg: KafkaMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of [PII_HEADERS.keyId, PII_HEADERS.fields]) {
    const v = header(msg.headers, k);
    if (v !== undefined) out[k] = v;
  }
  return out;
}

/**
 * A dead letter's value with its PII encrypted: a JSON object field by field; anything else
 * (malformed JSON, not an object) as a whole under the field name `*`, since nobody can tell
 * which part of it is personal.
 */
function sealDeadLetter(
  pii: PiiSealer,
  subject: string,
  raw: Buffer | null,
): { value: string; headers: Record<string, string> } {
  const text = raw ? raw.toString('utf8') : '';
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  const isObject = parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed);
  const { value, encrypted, keyId } = sealObject(
    isObject ? pii : { ...WHOLE, keyFor: (u) => pii.keyFor(u) },
    subject,
    isObject ? (parsed as Record<string, unknown>) : { [WHOLE_VALUE]: text },
  );
  return {
    value: JSON.stringify(value),
    headers: { [PII_HEADERS.keyId]: keyId, [PII_HEADERS.fields]: encrypted.join(',') },
  };
}

/** a value that is not a JSON object is sealed whole, as the one field `*` */
const WHOLE = { fields: { [WHOLE_VALUE]: 'device-id' } as const, keyById: () => undefined };

/** stage timings of the chunk a decision belongs to, ms (sinkMs: epoch ms when it was handed to the producer) */
export interface ChunkTimings {
  featuresMs: number;
  inferenceMs: number;
  sinkMs: number;
  /** the chunk's size: the records scored together (one model call) */
  records?: number;
}

/** a record of the chunk that passed validation */
export interface Valid {
  tx: Transaction;
  msg: KafkaMessage;
  /** the event id: the input's id header when it has one (decisionMessage passes that header on as it came) */
  id: string;
}

/** a decision; `shared`: its chunk's headers (chunkHeaders) */
export function decisionMessage(x: Valid, pred: Prediction, shared: ChunkHeaders, pii?: PiiSealer): Message {
  // with PII encryption on, a decision also carries the transaction's PII fields, encrypted, for
  // whoever investigates it with the key
  const sealed = pii ? sealObject(pii, x.tx.userId, piiOf(x.tx, pii)) : undefined;
  const h: Record<string, Buffer | string> = {
    // the input's id header as it came: a Valid's id is that header's when there is one (sortChunk)
    [H.eventId]: raw(x.msg, H.eventId) ?? x.id,
    [H.processor]: shared.processor,
    [H.stageMs]: shared.stage,
  };
  if (sealed) {
    h[PII_HEADERS.keyId] = sealed.keyId;
    h[PII_HEADERS.fields] = sealed.encrypted.join(',');
  }
  // where the transaction was read: the delivery checker's per-partition offset checks
  if (shared.partition) {
    h[H.sourcePartition] = shared.partition;
    h[H.sourceOffset] = x.msg.offset;
  }
  const sent = raw(x.msg, H.sentMs);
  if (sent !== undefined) h[H.sentMs] = sent;
  return {
    key: x.tx.userId,
    value: sealed ? JSON.stringify({ ...decisionFields(x, pred), ...sealed.value }) : decisionJson(x, pred),
    headers: h,
  };
}

function decisionFields(x: Valid, pred: Prediction) {
  return {
    eventId: x.id,
    userId: x.tx.userId,
    amount: x.tx.amount,
    eventTime: x.tx.eventTime,
    score: pred.score,
    fraud: pred.fraud,
    threshold: pred.threshold,
    source: pred.source,
    modelVersion: pred.modelVersion,
  };
}

/**
 * A decision's value: byte for byte JSON.stringify of decisionFields, written field by field (no property walk, no
 * object) when every field has its type and no string needs escaping; anything else takes JSON.stringify.
 */
export function decisionJson(x: Valid, pred: Prediction): string {
  const { id } = x;
  const { userId, amount, eventTime } = x.tx;
  const { score, fraud, threshold, source, modelVersion } = pred;
  if (
    typeof id !== 'string' ||
    typeof userId !== 'string' ||
    typeof amount !== 'number' ||
    typeof eventTime !== 'number' ||
    typeof score !== 'number' ||
    typeof fraud !== 'boolean' ||
    typeof threshold !== 'number' ||
    typeof source !== 'string' ||
    typeof modelVersion !== 'string' ||
    !(plain(id) && plain(userId) && plain(source) && plain(modelVersion))
  )
    return JSON.stringify(decisionFields(x, pred));
  return (
    '{"eventId":"' +
    id +
    '","userId":"' +
    userId +
    '","amount":' +
    jsonMoney(amount) +
    ',"eventTime":' +
    jsonMillis(eventTime) +
    ',"score":' +
    jsonNumber(score) +
    ',"fraud":' +
    (fraud ? 'true' : 'false') +
    ',"threshold":' +
    jsonNumber(threshold) +
    ',"source":"' +
    source +
    '","modelVersion":"' +
    modelVersion +
    '"}'
  );
}

/** a number as JSON.stringify writes it (the same shortest form as String; null when not finite) */
const jsonNumber = (n: number): string => (Number.isFinite(n) ? `${n}` : 'null');

function piiOf(tx: Transaction, pii: PiiSealer): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  for (const f in pii.fields) o[f] = (tx as unknown as Record<string, unknown>)[f];
  return o;
}

export function aggregateMessage(processorId: string, a: WindowAggregate): Message {
  return { key: a.userId, value: JSON.stringify(a), headers: { [H.processor]: processorId } };
}

/** what one sendBatch may carry: well under the broker's 1 MiB record-batch limit (max.message.bytes) */
const SINK_BATCH_BYTES = 512 * 1024;

/**
 * The chunk's results in sends of at most SINK_BATCH_BYTES, so a chunk of large records (dead
 * letters carry the input) never makes a batch the broker refuses as too large, which would stop
 * the partition for good. Usually one send.
 */
export function sinkBatches(all: TopicMessages[]): TopicMessages[][] {
  if (upperBytes(all) <= SINK_BATCH_BYTES) return [all]; // the usual chunk: no byte count per record
  const out: TopicMessages[][] = [];
  let cur: TopicMessages[] = [];
  let bytes = 0;
  for (const tm of all) {
    let msgs: Message[] = [];
    for (const m of tm.messages) {
      const size = 64 + sizeOf(m.key) + sizeOf(m.value) + headerBytes(m.headers);
      if (bytes + size > SINK_BATCH_BYTES && bytes > 0) {
        if (msgs.length) cur.push({ topic: tm.topic, messages: msgs });
        out.push(cur);
        cur = [];
        msgs = [];
        bytes = 0;
      }
      msgs.push(m);
      bytes += size;
    }
    if (msgs.length) cur.push({ topic: tm.topic, messages: msgs });
  }
  if (cur.length) out.push(cur);
  return out;
}

const sizeOf = (v: unknown): number =>
  typeof v === 'string' ? Buffer.byteLength(v) : Buffer.isBuffer(v) ? v.length : 0;
const headerBytes = (h: Message['headers']): number => {
  let n = 0;
  if (h) for (const [k, v] of Object.entries(h)) n += k.length + sizeOf(v);
  return n;
};

/** at least a string's UTF-8 size: 3 bytes a UTF-16 unit at most (a surrogate pair, 2 units, is 4 bytes) */
const upperOf = (v: unknown): number => (typeof v === 'string' ? 3 * v.length : Buffer.isBuffer(v) ? v.length : 0);
/** sinkBatches' count of the results, with each string at its largest: at or above the exact count */
function upperBytes(all: TopicMessages[]): number {
  let n = 0;
  for (const tm of all)
    for (const m of tm.messages) {
      n += 64 + upperOf(m.key) + upperOf(m.value);
      const h = m.headers;
      if (h) for (const k in h) n += k.length + upperOf(h[k]);
    }
  return n;
}

/** counts by name into `into`, a run of the same name added at once (a chunk's decisions mostly share theirs) */
class Tally {
  private name = '';
  private n = 0;
  constructor(private readonly into: Record<string, number>) {}
  add(name: string): void {
    if (name !== this.name) this.end();
    this.name = name;
    this.n++;
  }
  end(): void {
    if (this.n) this.into[this.name] = (this.into[this.name] ?? 0) + this.n;
    this.n = 0;
  }
}

/** a chunk's decisions by model source and version, into the processor's stats (added at end()) */
export class ModelTally {
  private readonly sources: Tally;
  private readonly versions: Tally;
  constructor(stats: { modelSources: Record<string, number>; modelVersions: Record<string, number> }) {
    this.sources = new Tally(stats.modelSources);
    this.versions = new Tally(stats.modelVersions);
  }
  add(p: Prediction): void {
    this.sources.add(p.source);
    this.versions.add(p.modelVersion);
  }
  end(): void {
    this.sources.end();
    this.versions.end();
  }
}
