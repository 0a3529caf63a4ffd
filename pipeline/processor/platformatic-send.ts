/**
 * The processor's results out through @platformatic/kafka (the default `producerClient`): the
 * profile of the reference pipeline had kafkajs's produce path as its largest cost (a zero-filled
 * 512-byte buffer per record and per header, nine headers a decision, and the GC after them).
 * Keys are partitioned as kafkajs did (murmur2 & 0x7fffffff), so a user's results land where they
 * did. Nothing is dropped silently: a send resolves only when every partition's batch was
 * acknowledged (acks -1); a partition error or a leader that moved is retried on fresh metadata
 * and otherwise rejects the whole send, so the chunk is not resolved and comes again (a duplicate
 * at worst, never a loss, as CompleteSender guarantees for kafkajs).
 * Since 2026-12-07 pipelab writes the record batches itself (pipeline/batch-builder.ts, the bytes the client's
 * encoder writes) and sends them over the client's connections (pipeline/platformatic-produce.ts), one batch per
 * partition and topic: the client's own encoding built a Buffer per field and per varint (its send was 7 % of the
 * pipeline's main thread at 12,500 events/s). A client without the exports that needs, or a result with neither key
 * nor partition, goes through the client's send as before.
 */
import type { Message, TopicMessages } from 'kafkajs';
import { PartitionBatches } from '../batch-builder.ts';
import type { KafkaClientSecurity } from '../kafka-security.ts';
import type { EncodedProduce, PartitionBatch } from '../platformatic-produce.ts';
import {
  encodedProduce,
  headerMap,
  headerName,
  KeyCache,
  murmur2,
  type PlatformaticProducer,
  type PlatformaticRecord,
  platformaticProducer,
} from '../platformatic.ts';
import type { Compression } from '../topics.ts';

/** a topic's encoded sender (undefined: the client lacks what it needs) and its batches, one a partition it had */
type TopicOut = { out: EncodedProduce; batches: PartitionBatches } | { out: undefined };

export class PlatformaticSender {
  private producer?: PlatformaticProducer;
  /** results are keyed by user id: each key's bytes and partition made once (KeyCache), not per record */
  private readonly keys = new KeyCache();
  /** per topic, batches pipelab encodes (BatchBuilder) sent over the client's connections (EncodedProduce) */
  private readonly topics = new Map<string, Promise<TopicOut>>();

  /** `encode`: false sends through the client's own encoding (producer.send), as before 2026-12-07 */
  constructor(
    private readonly compression: Compression,
    private readonly encode = true,
  ) {}

  async connect(o: { clientId: string; brokers: string[]; security?: KafkaClientSecurity }, topics: string[]) {
    this.producer = await platformaticProducer(o);
    // a bad address or bad credentials fail here, at start (`topics`: ones it may read; a principal that may
    // not write still starts, and its writes are refused, as with kafkajs)
    await this.producer.metadata({ topics });
  }

  /**
   * the results out, acks -1: each topic's records written into one batch per partition by pipelab (the bytes the
   * client writes, see batch-builder.ts) and sent over the client's connections, topics side by side; through the
   * client's own send when it lacks the exports that needs, or when a record has neither key nor partition (the
   * client's partitioner places those)
   */
  async send(topicMessages: TopicMessages[]): Promise<unknown> {
    if (!this.encode || !topicMessages.every((tm) => tm.messages.every(encodable)))
      return this.clientSend(topicMessages);
    const outs = await Promise.all(topicMessages.map((tm) => this.topic(tm.topic)));
    if (outs.some((o) => o.out === undefined)) return this.clientSend(topicMessages);
    const sends: Promise<void>[] = [];
    for (const [i, tm] of topicMessages.entries()) {
      const { out, batches } = outs[i] as TopicOut & { out: EncodedProduce };
      if (tm.messages.length) sends.push(out.send(this.batches(tm.messages, batches)));
    }
    return Promise.all(sends);
  }

  /** a topic's records, each written straight into its partition's batch, in their order; the batches cut */
  private batches(messages: Message[], batches: PartitionBatches): PartitionBatch[] {
    for (const m of messages) {
      const b = batches.of(partitionOf(m, this.keys));
      const key = typeof m.key === 'string' ? this.keys.get(m.key).bytes : (m.key ?? null);
      const h = m.headers as Record<string, string | Buffer> | undefined;
      let n = 0;
      if (h) for (const _ in h) n++;
      const value = m.value as string | Buffer | null;
      b.open((key?.length ?? 0) + (value?.length ?? 0) + 32 * n, key, n);
      b.value(value);
      if (h) for (const k in h) b.header(headerName(k), h[k] as string | Buffer);
      b.close();
    }
    // every record stamped with the time its batch is cut, as the client stamps records without a timestamp
    return batches.finish(Date.now());
  }

  /** the topic's encoded sender and batches (the partition count it had, the compression), opened once */
  private topic(name: string): Promise<TopicOut> {
    let t = this.topics.get(name);
    if (!t) {
      t = (async (): Promise<TopicOut> => {
        const out = await encodedProduce(this.producer as PlatformaticProducer, name);
        if (!out) return { out };
        const { codec, compress } = out.compression(this.compression);
        return { out, batches: new PartitionBatches(await out.partitions(), codec, compress) };
      })();
      this.topics.set(name, t);
      // a failed open (metadata) is not kept: the next send tries again
      t.catch(() => this.topics.delete(name));
    }
    return t;
  }

  private clientSend(topicMessages: TopicMessages[]): Promise<unknown> {
    const messages: PlatformaticRecord[] = [];
    for (const tm of topicMessages) for (const m of tm.messages) messages.push(record(tm.topic, m, this.keys));
    const c = this.compression;
    return (this.producer as PlatformaticProducer).send({
      messages,
      acks: -1,
      ...(c === 'none' ? {} : { compression: c }),
    });
  }

  /** `force`: a crash, in-flight sends fail and nothing more is written */
  async close(force = false): Promise<void> {
    await this.producer?.close(force).catch(() => {});
  }
}

const text = (v: unknown) => typeof v === 'string' || Buffer.isBuffer(v);

/**
 * a result the encoded path writes as the client would: placed by key or partition, values text or bytes; a
 * partition that is no index fails the send here, before any record is written into its batch
 */
function encodable(m: Message): boolean {
  const p = m.partition;
  if (p != null && !(Number.isInteger(p) && p >= 0))
    throw new Error(`a result's partition is ${p}: give an integer ≥ 0, or none to place the result by its key`);
  if ((m.key == null && p == null) || !(m.value === null || text(m.value))) return false;
  const h = m.headers;
  if (h) for (const k in h) if (!text(h[k])) return false;
  return true;
}

/** a result's partition before the modulo: its own, or Kafka's for its key (murmur2 & 0x7fffffff) */
function partitionOf(m: Message, keys: KeyCache): number {
  if (m.partition != null) return m.partition;
  return typeof m.key === 'string' ? keys.get(m.key).hash : murmur2(m.key as Buffer) & 0x7fffffff;
}

/**
 * A result as the client takes it. A keyed record gets its partition here, as Kafka's partitioner would place it
 * (murmur2 & 0x7fffffff, which the client takes modulo the count): a string key's bytes and hash from the cache, a
 * Buffer's (a dead letter's input key) hashed as it is; the client's own hash allocates BigInts per key byte
 */
function record(topic: string, m: Message, keys: KeyCache): PlatformaticRecord {
  const r: PlatformaticRecord = { topic, key: m.key, value: m.value };
  if (m.headers) r.headers = headerMap(m.headers as Record<string, string | Buffer>);
  if (m.partition !== undefined) r.partition = m.partition;
  else if (typeof m.key === 'string') {
    const k = keys.get(m.key);
    r.key = k.bytes;
    r.partition = k.hash;
  } else if (m.key) r.partition = murmur2(m.key) & 0x7fffffff;
  return r;
}
