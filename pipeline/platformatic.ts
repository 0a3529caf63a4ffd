/**
 * @platformatic/kafka producers as pipelab makes them: the kafka and pipeline targets' producing
 * client (harness/targets/producers.ts) and the stream processor's result sink
 * (processor/platformatic-send.ts). It declares Node >= 22; on Node 20 it lacks only
 * Promise.withResolvers (ES2024), provided here when missing. Keys are partitioned as Kafka,
 * kafkajs and a Java producer do (murmur2 & 0x7fffffff).
 */
import { type KafkaClientSecurity, platformaticSecurity } from './kafka-security.ts';

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
export function headerMap(h: Record<string, string | Buffer>): Map<Buffer, string | Buffer> {
  const m = new Map<Buffer, string | Buffer>();
  for (const k in h) {
    let name = headerNames.get(k);
    if (!name) {
      name = Buffer.from(k);
      if (headerNames.size < 1024) headerNames.set(k, name);
    }
    m.set(name, h[k] as string | Buffer);
  }
  return m;
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
