/**
 * A topic's values read with kafkajs as a user checks what landed: a consumer in a fresh group from the
 * beginning, until a condition holds of what arrived. The broker suites' transaction and replication
 * tests share it; the stream processor's tests read whole records of many topics (test/helpers/processor.ts).
 */
import type { Kafka } from 'kafkajs';

export type ReadOptions = {
  /** read_uncommitted: aborted and open transactions' records too; read_committed (kafkajs's default) if not */
  readUncommitted?: boolean;
  /** reject after this long, naming the values that arrived (default 15 s) */
  ms?: number;
  /** the consumer's fetch wait; its disconnect waits for the fetch in flight (default 50 ms) */
  maxWaitTimeInMs?: number;
};

let groups = 0;

/**
 * The values of `topic` (as strings, in the order they arrived) once `until` holds of them; rejects
 * after `ms` with the values seen, so a read that never completes fails its test instead of returning part.
 */
export async function readValues(
  kafka: Kafka,
  topic: string,
  until: (values: string[]) => boolean,
  { readUncommitted = false, ms = 15_000, maxWaitTimeInMs = 50 }: ReadOptions = {},
): Promise<string[]> {
  const consumer = kafka.consumer({
    groupId: `read-${topic}-${readUncommitted ? 'uncommitted' : 'committed'}-${++groups}-${Date.now()}`,
    readUncommitted,
    maxWaitTimeInMs,
  });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  const values: string[] = [];
  try {
    await new Promise<void>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`${topic}: timed out after ${ms} ms with ${values.join(',')}`)), ms);
      void consumer.run({
        eachMessage: async ({ message }) => {
          values.push(String(message.value));
          if (until(values)) {
            clearTimeout(t);
            resolve();
          }
        },
      });
    });
  } finally {
    await consumer.disconnect();
  }
  return values;
}
