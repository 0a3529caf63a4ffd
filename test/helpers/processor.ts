/** What the stream processor's tests share: a stub model, a poll for a condition, a reader of topics. */
import type { Kafka, KafkaMessage } from 'kafkajs';
import type { Scorer } from '../../pipeline/processor/index.ts';

/** every transaction scored 0.1 by model version 'stub'; `onCall` sees each call's number (to stall or fail one) */
export function stubScorer(onCall?: (n: number) => Promise<void> | void): Scorer {
  let calls = 0;
  return {
    async predict(instances) {
      await onCall?.(++calls);
      return instances.map((x) => ({
        id: x.transaction.id,
        score: 0.1,
        fraud: false,
        source: 'model' as const,
        modelVersion: 'stub',
        threshold: 0.5,
      }));
    },
  };
}

/** polls `cond` every 25 ms until it holds or `ms` have passed (the test's own assertions judge) */
export async function until(cond: () => boolean, ms = 20_000): Promise<void> {
  const t0 = Date.now();
  while (!cond() && Date.now() - t0 < ms) await new Promise((r) => setTimeout(r, 25));
}

export type Read = { topic: string; m: KafkaMessage }[];

/** every record of `topics` from the beginning, until `done` holds of what arrived or 15 s have passed */
export async function readAll(kafka: Kafka, topics: string[], done: (got: Read) => boolean): Promise<Read> {
  const got: Read = [];
  const c = kafka.consumer({ groupId: `read-${Math.random()}`, maxWaitTimeInMs: 20 });
  await c.connect();
  await c.subscribe({ topics, fromBeginning: true });
  await c.run({ eachMessage: async ({ topic, message }) => void got.push({ topic, m: message }) });
  await until(() => done(got), 15_000);
  await c.disconnect();
  return got;
}
