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
 */
import kafkajs from 'kafkajs';
import type { Message, Producer, ProducerBatch } from 'kafkajs';

const { Partitioners } = kafkajs;
const MAX_RESENDS = 5;

export class CompleteSender {
  private readonly picked = new WeakMap<Message, number>();
  /** resends so far (each a partition kafkajs left out of a send's answer) */
  resends = 0;

  /** the producer's `createPartitioner` */
  readonly partitioner = () => {
    const inner = Partitioners.DefaultPartitioner();
    return (a: Parameters<ReturnType<typeof Partitioners.DefaultPartitioner>>[0]): number => {
      const p = inner(a);
      this.picked.set(a.message, p);
      return p;
    };
  };

  /** `producer`: a producer made with this partitioner, or a transaction of one */
  async send(
    producer: Pick<Producer, 'sendBatch'>,
    batch: ProducerBatch & { topicMessages: NonNullable<ProducerBatch['topicMessages']> },
  ) {
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
}
