/**
 * What a StreamProcessor is given (brokers, feature store, model client, group, windows,
 * backpressure limits, an optional metrics registry) and the counters it reports.
 */
import type { PiiFields } from '../../generators/schemas/pii.ts';
import type { FeatureStore } from '../features/store.ts';
import type { KafkaClientSecurity } from '../kafka-security.ts';
import type { PiiKeyring } from '../pii/keys.ts';
import type { Prediction } from '../model-server/server.ts';
import type { Compression } from '../topics.ts';
import type { ScoringInput } from '../types.ts';
import type { Guarantee } from './exactly-once.ts';
import type { WindowOptions } from './windows.ts';
import type { WithDefaults } from '../../results/defaults.ts';
import type { StateStats } from './state/store.ts';
/** what the processor needs from a metrics registry (harness/metrics fits) */
export interface ProcessorMetrics {
  trend(name: string): { add(ms: number, nowMs: number): void };
  counter(name: string): { add(n: number, nowMs: number): void };
  gauge(name: string): { set(v: number, nowMs: number): void };
}

export interface Scorer {
  predict(instances: ScoringInput[]): Promise<Prediction[]>;
}

export interface ProcessorOptions {
  brokers: string[];
  /** TLS/SASL for a secured cluster (default PLAINTEXT) */
  security?: KafkaClientSecurity;
  store: FeatureStore;
  model: Scorer;
  groupId?: string;
  /** instance name (client id, and the `pipelab-processor` header) */
  id?: string;
  compression?: Compression;
  /**
   * the client writing results outside transactions: 'platformatic' (default, @platformatic/kafka, about twice
   * kafkajs's produce rate by measurement: bench/pipeline.ts) or 'kafkajs' (CompleteSender re-sends what it left out)
   */
  producerClient?: 'platformatic' | 'kafkajs';
  /**
   * 'at-least-once' (default): results acknowledged, then offsets committed (a crash redelivers a chunk);
   * 'exactly-once': results and offsets in one Kafka transaction per chunk (exactly-once.ts)
   */
  guarantee?: Guarantee;
  /**
   * how often window and dedup state is checkpointed to the changelog (state/store.ts; default 5000 ms). Under
   * exactly-once the windows go with every transaction and the interval paces the dedup ids
   */
  checkpointIntervalMs?: number;
  windows?: WindowOptions;
  /** also consume `user-events` into per-user windows (behaviour.ts); off by default */
  userEvents?: boolean;
  /** records fetched but not yet acknowledged before partitions are paused (default 20 000) */
  maxInFlight?: number;
  /**
   * bytes one fetch takes from a partition (default 64 KiB, ~250 transactions; kafkajs's own is 1 MiB). What is
   * fetched is decoded into the heap and stays there until its chunk is acknowledged, so a processor that falls
   * behind should leave its backlog in the broker, as bytes, not pull it in as objects that every scavenge copies
   * again: with 1 MiB a late processor's fetches grew to 300-760 records a batch and its run stayed late. The
   * first batch is returned whole even when larger (KIP-74), so no record is too big to be read
   */
  maxBytesPerPartition?: number;
  /**
   * bytes a fetch waits for (default 64 KiB) and how long at most (default 20 ms). With 1 byte the broker answers at
   * the first record and the fetch loop spins on the event loop it shares (the main thread 0.90 busy from 5,000/s
   * up on the reference pipeline); 64 KiB / 20 ms cut that (0.63 at 5,000/s, CPU per event 231 -> 179 µs), but in
   * full sittings taken in turns the two came out alike, and it adds up to the wait to a quiet pipeline's latency
   * (docs/pipeline.md, "Fetch min bytes")
   */
  fetchMinBytes?: number;
  fetchMaxWaitMs?: number;
  /** records per processing chunk within a fetched batch (default 1000) */
  chunkSize?: number;
  /** partitions processed concurrently by this instance (default 6) */
  concurrency?: number;
  sessionTimeoutMs?: number;
  heartbeatIntervalMs?: number;
  /** how long one fetched batch is processed under heartbeats (default 300 000: Kafka's max.poll.interval.ms) */
  maxPollIntervalMs?: number;
  rebalanceTimeoutMs?: number;
  metrics?: ProcessorMetrics;
  /** run time for metrics (ms since run start); default ms since the processor was created */
  now?: () => number;
  /** consumer lag of the group (embedded: broker.lag(group).total); default: admin offsets */
  lag?: () => number | Promise<number>;
  /** how often lag is sampled (default 1000 ms; 0 = never) */
  lagEveryMs?: number;
  /**
   * kafkajs log level (default NOTHING: kafkajs logs recoverable rebalances as errors; the processor's own stats and
   * metrics say what happened)
   */
  logLevel?: number;
  /**
   * field-level encryption of personal data (off when absent): decisions and dead letters carry
   * the PII fields encrypted with the keyring's active key, its id in a header
   */
  pii?: { keys: PiiKeyring; fields?: PiiFields };
  /**
   * an audit record per data access to `pipelab-audit` (off when absent); the principal defaults to the SASL user
   * (`User:<name>`, as Kafka names it), else `processor:<id>`
   */
  audit?: boolean | { principal: string };
}

export interface ProcessorStats {
  id: string;
  records: number;
  decisions: number;
  deadLetters: number;
  late: number;
  /** user events counted in a window (with userEvents on) */
  userEvents?: number;
  duplicates: number;
  windowsClosed: number;
  openWindows: number;
  /** users whose features this processor holds (those of its partitions' events) */
  featureUsers?: number;
  pauses: number;
  inFlight: number;
  lag: number;
  batches: number;
  modelSources: Record<string, number>;
  modelVersions: Record<string, number>;
  /** checkpoints written, partitions restored, windows restored, seeks back to a checkpoint */
  state?: StateStats;
}

/** the options as the processor reads them: each default in place of an option left unset (withDefaults) */
export type ResolvedProcessorOptions = WithDefaults<typeof PROCESSOR_DEFAULTS, ProcessorOptions>;

export const PROCESSOR_DEFAULTS = {
  groupId: 'pipelab-processor',
  compression: 'lz4' as Compression,
  maxInFlight: 20_000,
  maxBytesPerPartition: 64 * 1024,
  fetchMinBytes: 64 * 1024,
  fetchMaxWaitMs: 20,
  chunkSize: 1000,
  concurrency: 6,
  sessionTimeoutMs: 10_000,
  heartbeatIntervalMs: 1000,
  maxPollIntervalMs: 300_000,
  rebalanceTimeoutMs: 10_000,
  lagEveryMs: 1000,
};
