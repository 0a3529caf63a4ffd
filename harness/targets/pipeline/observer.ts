/**
 * The pipeline target's observer: one consumer group on fraud-decisions, dead-letter and
 * processed-events, whose records results.ts reads and books. It consumes on the thread that runs
 * the load, or with `observerThread: true` on a worker thread of its own (observer-thread.ts),
 * posting each batch's observations, plain data, to the thread that books them.
 *
 * Why a thread: the instrument should not queue behind the system it measures. On one event loop
 * the observer's fetches, record decoding and JSON compete with the generator, the embedded broker,
 * the processors and the model server (the loop ~88 % busy at 12,500 events/s on 2 cores), so a
 * result already written waits for that loop before it counts as observed, and the observer's own
 * work slows the pipeline it measures. On its thread a result is observed when a consumer of its own
 * would see it; only the booking (ledger, metrics) stays. It costs CPU elsewhere (the thread's own
 * loop and the messages): no clear win on a 2-core machine, so it is opt-in (docs/pipeline.md).
 */
import type { Batch, Consumer, Kafka } from 'kafkajs';
import { PipelabError } from '../../../errors.ts';
import type { KafkaClientSecurity } from '../../../pipeline/kafka-security.ts';
import { TOPICS } from '../../../pipeline/topics.ts';
import { tsWorker } from '../../../pipeline/ts-worker.ts';
import { applyBatch, type ObservedBatch, readBatch, type ResultsBooks } from './results.ts';

/** the observer thread's start-up data */
export interface ObserverThreadData {
  brokers: string[];
  security?: KafkaClientSecurity | undefined;
  embedded: boolean;
  /** dead letters carry what DeadLetterSamples keeps (target.pii) */
  samples: boolean;
}

/** a message from the observer thread */
export type ObserverReply =
  | { type: 'batch'; batch: ObservedBatch }
  | { type: 'ready' }
  | { type: 'failed'; message: string }
  | { type: 'stopped' };

export interface Observer {
  /** stop consuming; every batch observed before is booked when it resolves */
  stop(): Promise<void>;
}

/**
 * The results consumer, running: `onBatch` gets each fetched batch, whose last offset is then resolved. Resolves
 * once the group was joined.
 */
export async function openResultsConsumer(
  kafka: Kafka,
  embedded: boolean,
  onBatch: (batch: Batch) => void,
): Promise<Consumer> {
  const results = kafka.consumer({
    groupId: `pipelab-results-${process.pid}-${Date.now()}`,
    // read_committed: under exactly-once only committed results count (aborted ones never show)
    readUncommitted: false,
    maxWaitTimeInMs: 20,
    // at most 1 MiB (~2,500 results) a fetch, not kafkajs's 10: a late observer then leaves its backlog in the
    // broker instead of decoding up to 10 MiB of results into the heap at once, beside the pipeline it measures
    maxBytes: 1024 * 1024,
    sessionTimeout: embedded ? 3000 : 10_000,
    heartbeatInterval: embedded ? 300 : 1000,
  });
  await results.connect();
  await results.subscribe({
    topics: [TOPICS.fraudDecisions, TOPICS.deadLetter, TOPICS.processedEvents],
    // the embedded broker's topics are this run's: a partition the group never committed (its coordinator moved
    // early) is read from its start, not skipped to the end; re-reads are dropped by readBatch (results.ts)
    fromBeginning: embedded,
  });
  const joined = new Promise<void>((r) => results.on(results.events.GROUP_JOIN, () => r()));
  await results.run({
    eachBatchAutoResolve: false,
    partitionsConsumedConcurrently: 3,
    eachBatch: async ({ batch, resolveOffset, heartbeat }) => {
      onBatch(batch);
      const last = batch.messages[batch.messages.length - 1];
      if (last) resolveOffset(last.offset);
      await heartbeat();
    },
  });
  await joined;
  return results;
}

/** the observer on this thread, through `kafka` */
export async function observeHere(kafka: Kafka, embedded: boolean, books: ResultsBooks): Promise<Observer> {
  const seen = new Map<string, bigint>();
  const samples = !!books.samples;
  const c = await openResultsConsumer(kafka, embedded, (b) => applyBatch(readBatch(b, seen, samples), books));
  return { stop: () => c.disconnect().catch(() => {}) };
}

/** the observer on a worker thread of its own (observer-thread.ts) */
export async function observeOnThread(o: Omit<ObserverThreadData, 'samples'>, books: ResultsBooks): Promise<Observer> {
  const data: ObserverThreadData = { ...o, samples: !!books.samples };
  const worker = tsWorker(import.meta.url, 'harness/targets/pipeline/observer-thread.ts', data);
  let stopped: () => void = () => {};
  const done = new Promise<void>((r) => (stopped = r));
  const ready = new Promise<void>((resolve, reject) => {
    worker.on('message', (m: ObserverReply) => {
      if (m.type === 'batch') applyBatch(m.batch, books);
      else if (m.type === 'ready') resolve();
      else if (m.type === 'stopped') stopped();
      else reject(new PipelabError('SERVICE_UNAVAILABLE', `the results observer did not start: ${m.message}`));
    });
    worker.once('error', reject);
    worker.once('exit', (code) => {
      stopped();
      reject(new PipelabError('SERVICE_UNAVAILABLE', `the results observer thread ended (exit code ${code})`));
    });
  });
  await ready.catch(async (e: unknown) => {
    await worker.terminate();
    throw e;
  });
  let stopping: Promise<void> | undefined;
  return {
    stop: () => {
      stopping ??= (async () => {
        worker.postMessage('stop');
        // the batches it posted before 'stopped' are booked first (messages arrive in order)
        await Promise.race([done, new Promise((r) => setTimeout(r, 5000).unref())]);
        await worker.terminate();
      })();
      return stopping;
    },
  };
}
