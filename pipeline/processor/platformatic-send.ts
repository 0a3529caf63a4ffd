/**
 * The processor's results out through @platformatic/kafka (the default `producerClient`): the
 * profile of the reference pipeline had kafkajs's produce path as its largest cost (a zero-filled
 * 512-byte buffer per record and per header, nine headers a decision, and the GC after them).
 * Keys are partitioned as kafkajs did (murmur2 & 0x7fffffff), so a user's results land where they
 * did. Nothing is dropped silently: a send resolves only when every partition's batch was
 * acknowledged (acks -1); a partition error or a leader that moved is retried on fresh metadata
 * and otherwise rejects the whole send, so the chunk is not resolved and comes again (a duplicate
 * at worst, never a loss, as CompleteSender guarantees for kafkajs).
 */
import type { Message, TopicMessages } from 'kafkajs';
import type { KafkaClientSecurity } from '../kafka-security.ts';
import {
  headerMap,
  KeyCache,
  murmur2,
  type PlatformaticProducer,
  type PlatformaticRecord,
  platformaticProducer,
} from '../platformatic.ts';
import type { Compression } from '../topics.ts';

export class PlatformaticSender {
  private producer?: PlatformaticProducer;
  /** results are keyed by user id: each key's bytes and partition made once (KeyCache), not per record */
  private readonly keys = new KeyCache();

  constructor(private readonly compression: Compression) {}

  async connect(o: { clientId: string; brokers: string[]; security?: KafkaClientSecurity }, topics: string[]) {
    this.producer = await platformaticProducer(o);
    // a bad address or bad credentials fail here, at start (`topics`: ones it may read; a principal that may
    // not write still starts, and its writes are refused, as with kafkajs)
    await this.producer.metadata({ topics });
  }

  send(topicMessages: TopicMessages[]): Promise<unknown> {
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
