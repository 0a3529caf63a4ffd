/**
 * A kafkajs sendBatch that never drops a partition silently. kafkajs 2.2.4 can lose the messages of
 * a partition from a send that spans several brokers when that partition's leader moves (a broker
 * killed) to a broker that already answered within the same send: its retries skip brokers that
 * answered, and the send resolves without them (docs/broker.md). The processor then marks those
 * events written and their results never appear: lost under at-least-once.
 *
 * CompleteSender is the producer's partitioner (kafkajs's default, Java-compatible murmur2)
 * recording which partition it picked for each message; after a send, the messages whose partition
 * is missing from the answer are sent again (at least once: a duplicate at worst, never a loss).
 *
 * The same retry has a second hazard (sendPerPartition): when one broker of a send fails, kafkajs
 * retries every broker that has not answered yet, including one whose request is still in flight.
 * That request was numbered already, so the retry goes out with the next sequence numbers, and the
 * broker appends the same records twice, as new ones: an idempotent or transactional producer
 * writes duplicates, and a transaction commits them (seen as 52 decisions twice in one committed
 * transaction when a broker was killed). A send to one partition has one broker, so there is no
 * request in flight beside it to send again; its own retry reuses its sequence numbers, and the
 * broker recognises a batch it already holds.
 */
import kafkajs from 'kafkajs';
import type { Message, PartitionMetadata, Producer, ProducerBatch, TopicMessages } from 'kafkajs';

const { Partitioners } = kafkajs;
const MAX_RESENDS = 5;

type Batch = ProducerBatch & { topicMessages: NonNullable<ProducerBatch['topicMessages']> };

/** what kafkajs's default partitioner reads of a topic's metadata for a keyed message: the partition count */
function metadataOf(count: number): PartitionMetadata[] {
  return Array.from({ length: count }, (_, i) => ({
    partitionId: i,
    leader: 0,
    replicas: [0],
    isr: [0],
    partitionErrorCode: 0,
  }));
}

export class CompleteSender {
  private readonly picked = new WeakMap<Message, number>();
  /** partitions per topic, as kafkajs's metadata gave them to the partitioner */
  private readonly counts = new Map<string, number>();
  /** the partitioner sendPerPartition places messages with (kafkajs's default: murmur2 of the key) */
  private readonly place = Partitioners.DefaultPartitioner();
  /** resends so far (each a partition kafkajs left out of a send's answer) */
  resends = 0;

  /** the producer's `createPartitioner` */
  readonly partitioner = () => {
    const inner = Partitioners.DefaultPartitioner();
    return (a: Parameters<ReturnType<typeof Partitioners.DefaultPartitioner>>[0]): number => {
      const p = inner(a);
      this.picked.set(a.message, p);
      this.counts.set(a.topic, a.partitionMetadata.length);
      return p;
    };
  };

  /** `producer`: a producer made with this partitioner, or a transaction of one */
  async send(producer: Pick<Producer, 'sendBatch'>, batch: Batch) {
    let topicMessages = batch.topicMessages;
    for (let attempt = 0; ; attempt++) {
      const answered = await producer.sendBatch({ ...batch, topicMessages });
      const got = new Set(answered.map((r) => `${r.topicName}/${r.partition}`));
      const missing = topicMessages
        .map((tm) => ({
          topic: tm.topic,
          messages: tm.messages.filter((m) => {
            const p = this.picked.get(m);
            return p !== undefined && !got.has(`${tm.topic}/${p}`);
          }),
        }))
        .filter((tm) => tm.messages.length > 0);
      if (missing.length === 0) return;
      if (attempt >= MAX_RESENDS)
        throw new Error(`kafkajs left ${missing.map((m) => m.topic).join(', ')} out of ${attempt + 1} sends`);
      this.resends += missing.length;
      topicMessages = missing;
    }
  }

  /**
   * The batch as one send per partition, all at once (the second hazard in the header). Each message
   * gets the partition kafkajs's default partitioner would give it, from `partitionsOf` or else the
   * count kafkajs's metadata gave this sender's partitioner before; a topic of unknown count goes out
   * as one send, partitioned by kafkajs
   */
  async sendPerPartition(
    producer: Pick<Producer, 'sendBatch'>,
    batch: Batch,
    partitionsOf?: (topic: string) => Promise<number>,
  ) {
    const sends = new Map<string, TopicMessages>();
    for (const tm of batch.topicMessages) {
      const count = partitionsOf ? await partitionsOf(tm.topic) : this.counts.get(tm.topic);
      if (!count) {
        sends.set(tm.topic, tm);
        continue;
      }
      const partitionMetadata = metadataOf(count);
      for (const m of tm.messages) {
        const partition = m.partition ?? this.place({ topic: tm.topic, partitionMetadata, message: m });
        const k = `${tm.topic}\0${partition}`;
        const one = sends.get(k) ?? { topic: tm.topic, messages: [] };
        sends.set(k, one);
        one.messages.push({ ...m, partition });
      }
    }
    await Promise.all([...sends.values()].map((tm) => this.send(producer, { ...batch, topicMessages: [tm] })));
  }
}
