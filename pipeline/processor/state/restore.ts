/**
 * Reads changelog partitions from the beginning to their end (read_committed): the newest value
 * per key. kafkajs has no consumer without a group, so a restore joins a group of its own (one
 * member, every partition assigned to it, the unwanted ones ignored) and deletes it afterwards.
 * Under exactly-once the caller fences the partition's previous owner first, so no transaction
 * is left open on the changelog partition and its end is the last stable offset.
 */
import type { Kafka } from 'kafkajs';

export type ChangelogRecords = Map<string, Buffer | null>;

let restoreSeq = 0;

export async function readChangelog(
  kafka: Kafka,
  topic: string,
  partitions: number[],
  group: string,
  timeoutMs = 30_000,
): Promise<Map<number, ChangelogRecords>> {
  const out = new Map<number, ChangelogRecords>(partitions.map((p) => [p, new Map()]));
  const admin = kafka.admin();
  await admin.connect();
  const groupId = `${group}-restore-${process.pid}-${++restoreSeq}`;
  try {
    const offsets = await admin.fetchTopicOffsets(topic);
    /** the last offset still to read per partition */
    const left = new Map<number, number>();
    for (const o of offsets)
      if (out.has(o.partition) && Number(o.high) > Number(o.low)) left.set(o.partition, Number(o.high) - 1);
    if (left.size === 0) return out;
    const consumer = kafka.consumer({ groupId, readUncommitted: false, maxWaitTimeInMs: 20 });
    let settle: (e?: Error) => void = () => {};
    const done = new Promise<void>((resolve, reject) => {
      settle = (e) => (e ? reject(e) : resolve());
    });
    const reached = (partition: number, offset: string) => {
      const last = left.get(partition);
      if (last !== undefined && Number(offset) >= last) left.delete(partition);
      if (left.size === 0) settle();
    };
    // batches of only control records or aborted records are not handed over, but this event still says where they end
    consumer.on(consumer.events.END_BATCH_PROCESS, (e) => reached(e.payload.partition, e.payload.lastOffset));
    const timer = setTimeout(
      () => settle(new Error(`restoring ${topic} [${[...left.keys()]}] took over ${timeoutMs} ms`)),
      timeoutMs,
    );
    try {
      await consumer.connect();
      await consumer.subscribe({ topic, fromBeginning: true });
      await consumer.run({
        autoCommit: false,
        eachBatch: async ({ batch }) => {
          const into = out.get(batch.partition);
          if (into) for (const m of batch.messages) into.set(m.key?.toString('utf8') ?? '', m.value);
        },
      });
      await done;
    } finally {
      clearTimeout(timer);
      await consumer.disconnect().catch(() => {});
    }
    await admin.deleteGroups([groupId]).catch(() => {});
    return out;
  } finally {
    await admin.disconnect().catch(() => {});
  }
}
