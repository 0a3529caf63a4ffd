/**
 * What the stream processor's tests share: a stub model, a processor that crashes on cue, the seeded
 * input and its sender, a poll for a condition, a reader of topics.
 */
import type { Kafka, KafkaMessage, Producer } from 'kafkajs';
import { transactionToJson } from '../../generators/serialize.ts';
import { createTransactionStream, type Transaction } from '../../generators/transactions.ts';
import { PIPELINE_HEADERS as H, type Scorer, type StreamProcessor } from '../../pipeline/processor/index.ts';
import { TOPICS } from '../../pipeline/topics.ts';

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

/**
 * A processor that crashes (kill: no commit, no LeaveGroup) while scoring its `n`-th chunk, before
 * that chunk's results are acknowledged; `make` builds it around the scorer. `killed()` says when.
 */
export function crashOnCall(
  n: number,
  make: (model: Scorer) => StreamProcessor,
): { victim: StreamProcessor; killed: () => boolean } {
  let killed = false;
  const victim: StreamProcessor = make(
    stubScorer(async (call) => {
      if (call === n && !killed) {
        killed = true;
        void victim.kill();
        await new Promise((r) => setTimeout(r, 20));
      }
    }),
  );
  return { victim, killed: () => killed };
}

/** `n` seeded transactions (seed 9, 300 users with a Zipf skew): the processor tests' input */
export const seededTransactions = (n: number): Transaction[] =>
  createTransactionStream({ seed: 9, users: { count: 300, zipf: 1 } }).take(n);

/**
 * Sends `txs` to the transactions topic in sends of 200, each with its event id header; with
 * `malformed`, every hundredth value is 'not json' (for the dead-letter path).
 */
export async function sendTransactions(producer: Producer, txs: Transaction[], malformed = true): Promise<void> {
  const messages = txs.map((t, i) => ({
    key: t.userId,
    value: malformed && i % 100 === 7 ? 'not json' : transactionToJson(t),
    headers: { [H.eventId]: t.id },
  }));
  for (let i = 0; i < txs.length; i += 200)
    await producer.send({ topic: TOPICS.transactions, messages: messages.slice(i, i + 200) });
}
