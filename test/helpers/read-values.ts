/**
 * A topic's values read with kafkajs as a user checks what landed: a consumer in a fresh group from the
 * beginning, until a condition holds of what arrived. The broker suites share it (transactions, the
 * replicated cluster's checks, the fuzz round trip); the stream processor's tests read whole records of
 * many topics and judge what came within the time instead (readAll in test/helpers/processor.ts).
 */
import type { ConsumerConfig, Kafka } from 'kafkajs';

/**
 * the consumer's settings (kafkajs's names: `readUncommitted` for read_uncommitted, aborted and open
 * transactions' records too; read_committed, kafkajs's default, if not) and `ms`, how long to wait
 */
export type ReadOptions = Omit<ConsumerConfig, 'groupId'> & {
  /** reject after this long, naming what arrived (default 15 s) */
  ms?: number;
};

let groups = 0;

/**
 * The values of `topic` (as strings, in the order they arrived) once `until` holds of them; rejects
 * after `ms` with the values seen, so a read that never completes fails its test instead of returning part.
 * The fetch wait is 50 ms unless set: disconnect() waits for the fetch in flight (kafkajs's default 5 s).
 */
export async function readValues(
  kafka: Kafka,
  topic: string,
  until: (values: string[]) => boolean,
  { ms = 15_000, ...config }: ReadOptions = {},
): Promise<string[]> {
  const isolation = config.readUncommitted ? 'uncommitted' : 'committed';
  const consumer = kafka.consumer({
    maxWaitTimeInMs: 50,
    ...config,
    groupId: `read-${topic}-${isolation}-${++groups}-${Date.now()}`,
  });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  const values: string[] = [];
  try {
    await new Promise<void>((resolve, reject) => {
      const t = setTimeout(
        () => reject(new Error(`${topic}: ${values.length} values after ${ms} ms: ${shown(values)}`)),
        ms,
      );
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

/** the first 40 values, enough to see which are missing without a page of them */
const shown = (values: string[]) => values.slice(0, 40).join(',') + (values.length > 40 ? ',…' : '');
