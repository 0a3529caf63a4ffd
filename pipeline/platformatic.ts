/**
 * @platformatic/kafka producers as pipelab makes them: the kafka and pipeline targets' producing
 * client (harness/targets/producers.ts) and the stream processor's result sink
 * (processor/platformatic-send.ts). It declares Node >= 22; on Node 20 it lacks only
 * Promise.withResolvers (ES2024), provided here when missing. Keys are partitioned as Kafka,
 * kafkajs and a Java producer do (murmur2 & 0x7fffffff).
 */
import { type KafkaClientSecurity, platformaticSecurity } from './kafka-security.ts';
import { EncodedProduce } from './platformatic-produce.ts';

/** @platformatic/kafka needs Promise.withResolvers (Node >= 22); Node 20 gets this equivalent */
export function shimWithResolvers(): void {
  const P = Promise as unknown as { withResolvers?: () => unknown };
  P.withResolvers ??= () => {
    let resolve: unknown;
    let reject: unknown;
    const promise = new Promise((a, b) => {
      resolve = a;
      reject = b;
    });
    return { promise, resolve, reject };
  };
}

/** header names as bytes, made once: a record's headers go to the client as a Map of them */
const headerNames = new Map<string, Buffer>();
export function headerName(k: string): Buffer {
  let name = headerNames.get(k);
  if (!name) {
    name = Buffer.from(k);
    if (headerNames.size < 1024) headerNames.set(k, name);
  }
  return name;
}
export function headerMap(h: Record<string, string | Buffer>): Map<Buffer, string | Buffer> {
  const m = new Map<Buffer, string | Buffer>();
  for (const k in h) m.set(headerName(k), h[k] as string | Buffer);
  return m;
}

const SLAB_BYTES = 64 * 1024;

/** strings this long or longer are encoded by Buffer's write; shorter ASCII ones byte by byte in JS */
const NATIVE_FROM = 48;

/**
 * Header values handed to the client as views of a shared 64 KiB slab, as Node hands out small
 * Buffer.allocUnsafe buffers from its pool, written byte by byte when ASCII: an event id 102 ns against
 * Buffer.from's 124 ns in the client's serializer, a sent time 208 ns against 252 ns with its toFixed(3)
 * (bench of 2026-12-06). A slab lives while any record's bytes in it do (the client keeps a batch's records
 * until it is acknowledged). The bytes are exactly Buffer.from's (UTF-8).
 */
export class ByteSlab {
  private slab = Buffer.allocUnsafe(SLAB_BYTES);
  private pos = 0;

  /** a string's UTF-8 bytes, as Buffer.from(s) */
  text(s: string): Buffer {
    const n = s.length;
    const start = this.room(3 * n);
    const b = this.slab;
    let p = start;
    if (n >= NATIVE_FROM) p += b.write(s, start);
    else
      for (let i = 0; i < n; i++) {
        const c = s.charCodeAt(i);
        if (c > 0x7f) {
          p = start + b.write(s, start); // not ASCII: the whole string natively, from the start
          break;
        }
        b[p++] = c;
      }
    this.pos = p;
    return b.subarray(start, p);
  }

  /** where `n` bytes fit: the current slab, else a fresh one (at least n long) */
  private room(n: number): number {
    if (this.pos + n > this.slab.length) {
      this.slab = Buffer.allocUnsafe(Math.max(SLAB_BYTES, n));
      this.pos = 0;
    }
    return this.pos;
  }
}

/**
 * Kafka's murmur2 of a key's bytes (org.apache.kafka.common.utils.Utils.murmur2), the hash its
 * default partitioner, kafkajs's and @platformatic/kafka's compatibilityPartitioner take & 0x7fffffff
 * of. In 32-bit integer arithmetic: the client's own runs on BigInts, a few allocated per key byte.
 */
export function murmur2(data: Uint8Array): number {
  const m = 0x5bd1e995;
  const n = data.length;
  let h = 0x9747b28c ^ n;
  const whole = n - (n % 4);
  for (let i = 0; i < whole; i += 4) {
    let k = data[i]! | (data[i + 1]! << 8) | (data[i + 2]! << 16) | (data[i + 3]! << 24);
    k = Math.imul(k, m);
    k ^= k >>> 24;
    k = Math.imul(k, m);
    h = Math.imul(h, m) ^ k;
  }
  const rest = n % 4;
  if (rest > 0) {
    if (rest === 3) h ^= data[whole + 2]! << 16;
    if (rest >= 2) h ^= data[whole + 1]! << 8;
    h ^= data[whole]!;
    h = Math.imul(h, m);
  }
  h ^= h >>> 13;
  h = Math.imul(h, m);
  h ^= h >>> 15;
  return h | 0;
}

/** a key's bytes and its partition before the modulo (murmur2 & 0x7fffffff), as the client would make them */
export interface KeyBytes {
  bytes: Buffer;
  hash: number;
}

/**
 * Keys seen before, encoded and hashed once: a run's keys repeat (a user id per event), so a record
 * takes its key's bytes and partition from here instead of a Buffer and a BigInt murmur2 each. Up to
 * `max` keys; when full it starts over, so keys that never repeat (an event id) cost a lookup each.
 */
export class KeyCache {
  private readonly keys = new Map<string, KeyBytes>();
  constructor(private readonly max = 65_536) {}

  get(key: string): KeyBytes {
    let k = this.keys.get(key);
    if (k) return k;
    const bytes = Buffer.from(key);
    k = { bytes, hash: murmur2(bytes) & 0x7fffffff };
    if (this.keys.size >= this.max) this.keys.clear();
    this.keys.set(key, k);
    return k;
  }
}

/** a record as the producers below take it (headers: a Map from headerMap, used as it is) */
export interface PlatformaticRecord {
  topic: string;
  key?: string | Buffer | null;
  value: string | Buffer | null;
  headers?: Map<Buffer, string | Buffer>;
  partition?: number;
}

export interface PlatformaticProducer {
  send(o: { messages: PlatformaticRecord[]; acks: number; compression?: string }): Promise<unknown>;
  metadata(o: { topics: string[] }): Promise<unknown>;
  close(force?: boolean): Promise<void>;
}

/** null (a tombstone, a record without a key) stays null; strings are encoded */
const toBuffer = (v?: Buffer | string | null) => (v == null ? undefined : Buffer.isBuffer(v) ? v : Buffer.from(v));

/** a producer with pipelab's serializers and Kafka's partitioner (not connected until its first request) */
export async function platformaticProducer(o: {
  clientId: string;
  brokers: string[];
  security?: KafkaClientSecurity;
  /**
   * Kafka's idempotent producer (a producer id, a sequence per partition: a batch retried after a
   * leader change is written once). The client then sends one request at a time per broker
   */
  idempotent?: boolean;
}): Promise<PlatformaticProducer> {
  shimWithResolvers();
  const pk = await import('@platformatic/kafka');
  const producer = new pk.Producer({
    clientId: o.clientId,
    bootstrapBrokers: o.brokers,
    serializers: { key: toBuffer, value: toBuffer, headerKey: toBuffer, headerValue: toBuffer },
    // Kafka's (and kafkajs's) key → partition: murmur2 & 0x7fffffff. Its default (murmur2 >>> 0) sends
    // about half the keys to another partition than a Java or kafkajs producer of the same key would
    partitioner: pk.compatibilityPartitioner,
    // idempotent, the client would retry without end (its default when retries ≤ 1): 3 as otherwise, then it fails
    ...(o.idempotent ? { idempotent: true, retries: 3 } : {}),
    ...platformaticSecurity(o.security),
  });
  return producer as unknown as PlatformaticProducer;
}

/**
 * Produce requests of batches pipelab encodes (pipeline/batch-builder.ts) over `producer`'s connections,
 * or undefined when this client version lacks the exports that needs (then producer.send is used)
 */
export async function encodedProduce(
  producer: PlatformaticProducer,
  topic: string,
): Promise<EncodedProduce | undefined> {
  const pk = await import('@platformatic/kafka');
  return EncodedProduce.open(pk, producer as never, topic);
}
