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
import kafkajs, { type Kafka } from 'kafkajs';
import { registerKafkajsCodecs } from '../../../broker/codecs.ts';
import { PipelabError } from '../../../errors.ts';
import { type KafkaClientSecurity, kafkajsSecurity } from '../../../pipeline/kafka-security.ts';
import { type ConsumedBatch, platformaticBatches } from '../../../pipeline/platformatic-consumer.ts';
import { PROCESSOR_DEFAULTS } from '../../../pipeline/processor/options.ts';
import { TOPICS } from '../../../pipeline/topics.ts';
import { tsWorker } from '../../../pipeline/ts-worker.ts';
import { applyBatch, type ObservedBatch, readBatch, type ResultsBooks } from './results.ts';

/** the client the observer consumes with (target.observerClient) */
export type ObserverClient = 'platformatic' | 'kafkajs';

/** where the results are and how to read them */
export interface ResultsSource {
  /** default 'kafkajs' */
  client?: ObserverClient | undefined;
  brokers: string[];
  security?: KafkaClientSecurity | undefined;
  embedded: boolean;
  /** bytes a results fetch waits for (default 64 KiB) and for how long at most (default 20 ms): target.fetchMinBytes */
  fetchMinBytes?: number | undefined;
  fetchMaxWaitMs?: number | undefined;
}

/** the observer thread's start-up data */
export interface ObserverThreadData extends ResultsSource {
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

const RESULT_TOPICS = [TOPICS.fraudDecisions, TOPICS.deadLetter, TOPICS.processedEvents];

/** the results consumer's settings, either client */
const settings = ({ embedded, fetchMinBytes, fetchMaxWaitMs }: ResultsSource) => ({
  groupId: `pipelab-results-${process.pid}-${Date.now()}`,
  // as the processors' (PROCESSOR_DEFAULTS): a results fetch answered at the first record made the observer spin too
  maxWaitTime: fetchMaxWaitMs ?? PROCESSOR_DEFAULTS.fetchMaxWaitMs,
  minBytes: fetchMinBytes ?? PROCESSOR_DEFAULTS.fetchMinBytes,
  // at most 1 MiB (~2,500 results) a fetch, not kafkajs's 10: a late observer then leaves its backlog in the
  // broker instead of decoding up to 10 MiB of results into the heap at once, beside the pipeline it measures
  maxBytes: 1024 * 1024,
  sessionTimeout: embedded ? 3000 : 10_000,
  heartbeatInterval: embedded ? 300 : 1000,
});

/**
 * The results consumer, running (`kafka`: the kafkajs client to use, else one is made): `onBatch` gets each fetched
 * batch of one partition. Resolves once the group was joined, with its stop (every batch fetched before is handed
 * on when it resolves). read_committed: under exactly-once only committed results count (aborted ones never show).
 * The embedded broker's topics are this run's: a partition the group never committed (its coordinator moved early)
 * is read from its start, not skipped to the end; re-reads are dropped by readBatch (results.ts).
 */
export async function openResultsConsumer(
  o: ResultsSource & { kafka?: Kafka | undefined },
  onBatch: (batch: ConsumedBatch) => void,
): Promise<Observer> {
  const s = settings(o);
  if (o.client === 'platformatic') {
    const c = await platformaticBatches(
      {
        ...s,
        ...o,
        clientId: 'pipelab-results',
        topics: RESULT_TOPICS,
        fromBeginning: o.embedded,
        readCommitted: true,
      },
      onBatch,
    );
    return { stop: () => c.close() };
  }
  const kafka = o.kafka ?? kafkajsClient(o);
  const results = kafka.consumer({
    groupId: s.groupId,
    readUncommitted: false,
    maxWaitTimeInMs: s.maxWaitTime,
    minBytes: s.minBytes,
    maxBytes: s.maxBytes,
    sessionTimeout: s.sessionTimeout,
    heartbeatInterval: s.heartbeatInterval,
  });
  await results.connect();
  await results.subscribe({ topics: RESULT_TOPICS, fromBeginning: o.embedded });
  const joined = new Promise<void>((r) => results.on(results.events.GROUP_JOIN, () => r()));
  const commits = new CommitPacer();
  await results.run({
    // kafkajs with autoCommit commits after every batch, awaited: a round trip each, and a fetch's next one waits
    // for all its batches (36 partitions, 3 at a time), so the observer read ~12 round trips apart (see CommitPacer)
    autoCommit: false,
    eachBatchAutoResolve: false,
    partitionsConsumedConcurrently: 3,
    eachBatch: async ({ batch, resolveOffset, heartbeat, commitOffsetsIfNecessary, uncommittedOffsets }) => {
      onBatch(batch);
      const last = batch.messages[batch.messages.length - 1];
      if (last) resolveOffset(last.offset);
      // given offsets it commits them (without, it would wait for autoCommit's interval or threshold: never)
      if (last && commits.due(`${batch.topic}/${batch.partition}`))
        await commitOffsetsIfNecessary(uncommittedOffsets());
      await heartbeat();
    },
  });
  await joined;
  return { stop: () => results.disconnect().catch(() => {}) };
}

/**
 * When the results consumer commits its read offsets: a partition's first batch at once (on a Kafka that outlives the
 * run a rejoining group starts a partition with no commit at its end, fromBeginning being false there), then at most
 * every `everyMs` for all partitions together. A rejoin re-reads what came after the last commit; readBatch drops it.
 */
export class CommitPacer {
  private readonly started = new Set<string>();
  private last = -Infinity;
  constructor(
    private readonly everyMs = 500,
    private readonly now = () => performance.now(),
  ) {}

  /** whether the batch of partition `key` just resolved should commit (counted as committing when so) */
  due(key: string): boolean {
    const t = this.now();
    if (this.started.has(key) && t - this.last < this.everyMs) return false;
    this.started.add(key);
    this.last = t;
    return true;
  }
}

function kafkajsClient(o: ResultsSource): Kafka {
  registerKafkajsCodecs();
  return new kafkajs.Kafka({
    clientId: 'pipelab-results',
    brokers: o.brokers,
    logLevel: kafkajs.logLevel.NOTHING,
    retry: { retries: 8, initialRetryTime: 100 },
    ...kafkajsSecurity(o.security),
  });
}

/** the observer on this thread (through `kafka` when it consumes with kafkajs) */
export async function observeHere(o: ResultsSource & { kafka?: Kafka }, books: ResultsBooks): Promise<Observer> {
  const seen = new Map<string, bigint>();
  const samples = !!books.samples;
  return openResultsConsumer(o, (b) => applyBatch(readBatch(b, seen, samples), books));
}

/** the observer on a worker thread of its own (observer-thread.ts) */
export async function observeOnThread(o: ResultsSource, books: ResultsBooks): Promise<Observer> {
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
