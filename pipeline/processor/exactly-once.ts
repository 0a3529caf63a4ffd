/**
 * Exactly-once output for the stream processor: each chunk's results (decisions, dead letters,
 * closed windows) and the consumed offset go to Kafka in one transaction, so downstream
 * read_committed consumers see a chunk's results once, together with the offset that says it was
 * processed, or not at all. One transactional producer per input partition, with the
 * transactional.id `<group>-<topic>-<partition>` (Kafka's EOS v1 layout; kafkajs has no KIP-447
 * group fencing): whichever instance owns a partition next initializes the same id, which fences
 * a zombie owner and aborts what it left open. After that fencing the committed offset is read
 * again, and records below it (committed by the previous owner meanwhile) are skipped.
 */
import type { Kafka, KafkaMessage, Producer, TopicMessages } from 'kafkajs';
import { compressionType, type Compression } from '../topics.ts';
import { CompleteSender } from './complete-send.ts';

export type Guarantee = 'at-least-once' | 'exactly-once';

interface PartitionSink {
  producer: Producer;
  /** the group's committed offset when this producer took the partition over */
  floor: number;
}

export class TransactionalSink {
  private readonly sinks = new Map<string, Promise<PartitionSink>>();
  /** chunks committed, and chunks whose transaction failed (aborted, or fenced by a new owner) */
  readonly counts = { committed: 0, failed: 0 };
  /**
   * kafkajs can leave a partition out of a send spanning several brokers when its leader moves (a
   * broker killed): the transaction would then commit its offset without those records, e.g. a
   * checkpoint missing from the changelog. What it leaves out is sent again inside the transaction.
   * And its retry can write a partition twice (complete-send.ts): each partition goes out on its own
   */
  private readonly sender = new CompleteSender();
  /** the output topics' partition counts (sendPerPartition places each result itself) */
  private readonly partitionCounts = new Map<string, Promise<number>>();

  constructor(
    private readonly kafka: Kafka,
    private readonly groupId: string,
    private readonly compression: Compression,
  ) {}

  private async open(topic: string, partition: number): Promise<PartitionSink> {
    const producer = this.kafka.producer({
      transactionalId: `${this.groupId}-${topic}-${partition}`,
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      createPartitioner: this.sender.partitioner,
    });
    await producer.connect();
    // kafkajs sends the transactional InitProducerId at the first transaction(): that fences the previous owner
    await (await producer.transaction()).abort();
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      const [t] = await admin.fetchOffsets({ groupId: this.groupId, topics: [topic] });
      const at = t?.partitions.find((p) => p.partition === partition);
      return { producer, floor: at ? Number(at.offset) : -1 };
    } finally {
      await admin.disconnect();
    }
  }

  /** a topic's partition count, from the cluster's metadata (read once; read again after a failure or a 0) */
  private partitionsOf = (topic: string): Promise<number> => {
    let n = this.partitionCounts.get(topic);
    if (!n) {
      n = (async () => {
        const admin = this.kafka.admin();
        await admin.connect();
        try {
          const { topics } = await admin.fetchTopicMetadata({ topics: [topic] });
          return topics[0]?.partitions.length ?? 0;
        } finally {
          await admin.disconnect();
        }
      })();
      this.partitionCounts.set(topic, n);
      n.then(
        (count) => count > 0 || this.partitionCounts.delete(topic),
        () => this.partitionCounts.delete(topic),
      );
    }
    return n;
  };

  private sinkFor(topic: string, partition: number): Promise<PartitionSink> {
    const k = `${topic}/${partition}`;
    let s = this.sinks.get(k);
    if (!s) {
      s = this.open(topic, partition);
      this.sinks.set(k, s);
      s.catch(() => this.sinks.delete(k));
    }
    return s;
  }

  /** the records of a chunk not yet committed by an earlier owner of the partition */
  async fresh(topic: string, partition: number, messages: KafkaMessage[]): Promise<KafkaMessage[]> {
    const { floor } = await this.sinkFor(topic, partition);
    return floor < 0 ? messages : messages.filter((m) => Number(m.offset) >= floor);
  }

  /** writes the chunk's results and commits `nextOffset` for the group, in one transaction */
  async commit(topic: string, partition: number, topicMessages: TopicMessages[], nextOffset: number): Promise<void> {
    const k = `${topic}/${partition}`;
    const { producer } = await this.sinkFor(topic, partition);
    const tx = await producer.transaction();
    try {
      if (topicMessages.length)
        await this.sender.sendPerPartition(
          tx,
          { acks: -1, compression: compressionType(this.compression), topicMessages },
          this.partitionsOf,
        );
      await tx.sendOffsets({
        consumerGroupId: this.groupId,
        topics: [{ topic, partitions: [{ partition, offset: String(nextOffset) }] }],
      });
      await tx.commit();
      this.counts.committed++;
    } catch (e) {
      this.counts.failed++;
      await tx.abort().catch(() => {});
      // fenced or broken: the next chunk of this partition starts over with a new producer (and floor)
      this.sinks.delete(k);
      await producer.disconnect().catch(() => {});
      throw e;
    }
  }

  async close(): Promise<void> {
    const all = [...this.sinks.values()];
    this.sinks.clear();
    await Promise.all(all.map((s) => s.then((x) => x.producer.disconnect()).catch(() => {})));
  }
}
