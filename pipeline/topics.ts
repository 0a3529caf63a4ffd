/**
 * The reference pipeline's topics, in one declarative config (DESIGN.md "Reference pipeline"),
 * created idempotently with kafkajs admin, and the producer settings every pipeline producer
 * shares (compression, key = user id).
 */
import kafkajs from 'kafkajs';
import type { Admin, Kafka } from 'kafkajs';

// kafkajs is CommonJS: its enums are reached through the default export in ESM
const { CompressionTypes } = kafkajs;

export const TOPICS = {
  userEvents: 'user-events',
  transactions: 'transactions',
  processedEvents: 'processed-events',
  fraudDecisions: 'fraud-decisions',
  deadLetter: 'dead-letter',
} as const;
export type TopicName = (typeof TOPICS)[keyof typeof TOPICS];

export interface TopicDecl {
  name: TopicName;
  partitions: number;
  /** 'cluster' = 3 when the cluster has ≥ 3 brokers, else 1 */
  replicationFactor: 'cluster';
  configs: Record<string, string>;
}

const INPUT_CONFIGS = { 'retention.ms': '86400000', 'segment.ms': '3600000' };

/** the one declaration of the pipeline's topics */
export const TOPIC_CONFIG: readonly TopicDecl[] = [
  { name: TOPICS.userEvents, partitions: 12, replicationFactor: 'cluster', configs: INPUT_CONFIGS },
  { name: TOPICS.transactions, partitions: 12, replicationFactor: 'cluster', configs: INPUT_CONFIGS },
  { name: TOPICS.processedEvents, partitions: 12, replicationFactor: 'cluster', configs: {} },
  { name: TOPICS.fraudDecisions, partitions: 12, replicationFactor: 'cluster', configs: {} },
  { name: TOPICS.deadLetter, partitions: 3, replicationFactor: 'cluster', configs: {} },
];

export function replicationFor(brokers: number): number {
  return brokers >= 3 ? 3 : 1;
}

export interface EnsureTopicsResult {
  created: string[];
  existing: string[];
  replicationFactor: number;
}

/**
 * retention.ms of `ms` for a topic, and segment.ms a quarter of it (at least a second): retention
 * drops whole segments, so records live between `ms` and `ms` + a segment. A segment.ms of days
 * (the default) would keep every record of a run in its one active segment, whatever retention.ms says.
 */
export function retentionConfigs(ms: number): Record<string, string> {
  return { 'retention.ms': String(ms), 'segment.ms': String(Math.max(1000, Math.floor(ms / 4))) };
}

/**
 * Create every topic that does not exist yet (existing ones are left as they are, so this is
 * safe to run from every processor and target). `partitions` overrides the declared count
 * (tests use fewer); `retentionMs` the declared retention of every topic (retentionConfigs).
 */
export async function ensureTopics(
  kafka: Kafka,
  opts: { partitions?: number; retentionMs?: number; admin?: Admin } = {},
): Promise<EnsureTopicsResult> {
  const admin = opts.admin ?? kafka.admin();
  if (!opts.admin) await admin.connect();
  try {
    const cluster = await admin.describeCluster();
    const rf = replicationFor(cluster.brokers.length);
    const existing = new Set(await admin.listTopics());
    const missing = TOPIC_CONFIG.filter((t) => !existing.has(t.name));
    if (missing.length) {
      // several processors starting at once race to create: losing that race is fine
      await admin
        .createTopics({
          waitForLeaders: true,
          topics: missing.map((t) => ({
            topic: t.name,
            numPartitions: opts.partitions ?? t.partitions,
            replicationFactor: rf,
            configEntries: Object.entries({
              ...t.configs,
              ...(opts.retentionMs !== undefined ? retentionConfigs(opts.retentionMs) : {}),
            }).map(([name, value]) => ({ name, value })),
          })),
        })
        .catch(async (e: Error) => {
          const now = new Set(await admin.listTopics());
          if (!missing.every((t) => now.has(t.name))) throw e;
        });
    }
    return {
      created: missing.map((t) => t.name),
      existing: TOPIC_CONFIG.filter((t) => existing.has(t.name)).map((t) => t.name),
      replicationFactor: rf,
    };
  } finally {
    if (!opts.admin) await admin.disconnect();
  }
}

export type Compression = 'none' | 'gzip' | 'snappy' | 'lz4';

/** kafkajs codec id; snappy and lz4 need registerKafkajsCodecs() first (the harness does it) */
export function compressionType(c: Compression): number {
  switch (c) {
    case 'none':
      return CompressionTypes.None;
    case 'gzip':
      return CompressionTypes.GZIP;
    case 'snappy':
      return CompressionTypes.Snappy;
    case 'lz4':
      return CompressionTypes.LZ4;
  }
}
