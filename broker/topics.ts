/**
 * Topics and their partitions: configs (validated on create), replica assignment and
 * leadership across the cluster's nodes. Leadership goes to the first live replica; when no
 * replica is live any live node leads (state is shared in-process, so no data is lost).
 */
import { randomBytes } from 'node:crypto';
import { parseCompactionConfig } from './compaction-config.ts';
import { PartitionLog, type LogConfig } from './log.ts';

export interface Partition {
  index: number;
  replicas: number[];
  leader: number;
  leaderEpoch: number;
  log: PartitionLog;
  /** replicated clusters: the in-sync replicas (set by the controller); otherwise the live replicas */
  isr?: number[];
}

export interface Topic {
  name: string;
  id: Buffer;
  configs: Record<string, string>;
  partitions: Partition[];
}

export const DEFAULT_LOG_CONFIG: LogConfig = {
  retentionMs: 7 * 24 * 3600_000,
  retentionBytes: -1,
  segmentMs: 7 * 24 * 3600_000,
  segmentBytes: 1024 ** 3,
  maxMessageBytes: 1048588,
};

const CONFIG_KEYS: Record<string, keyof LogConfig> = {
  'retention.ms': 'retentionMs',
  'retention.bytes': 'retentionBytes',
  'segment.ms': 'segmentMs',
  'segment.bytes': 'segmentBytes',
  'max.message.bytes': 'maxMessageBytes',
};

/** Other topic configs Kafka knows and we accept (and echo) without acting on them. */
const ACCEPTED = new Set([
  'cleanup.policy',
  'compression.type',
  'min.insync.replicas',
  'message.timestamp.type',
  'unclean.leader.election.enable',
  'min.compaction.lag.ms',
  'delete.retention.ms',
  'min.cleanable.dirty.ratio',
  'message.downconversion.enable',
  'flush.ms',
  'flush.messages',
  'index.interval.bytes',
]);

export class TopicError extends Error {
  constructor(
    readonly errorCode: number,
    message: string,
  ) {
    super(message);
  }
}

/** Parses topic configs into a LogConfig; throws TopicError(40 INVALID_CONFIG) naming the key. */
function logConfigFrom(configs: Record<string, string>, base: LogConfig = DEFAULT_LOG_CONFIG): LogConfig {
  const out = { ...base };
  for (const [k, v] of Object.entries(configs)) {
    const field = CONFIG_KEYS[k];
    if (!field) {
      if (ACCEPTED.has(k)) continue;
      throw new TopicError(40, `unknown topic config ${k}`);
    }
    const n = Number(v);
    if (!Number.isInteger(n) || n < -1) throw new TopicError(40, `topic config ${k}=${v} must be an integer >= -1`);
    out[field] = n;
  }
  // compaction configs (compaction.ts); a compact-only topic keeps its data regardless of age and size
  const compaction = parseCompactionConfig(configs);
  if (typeof compaction === 'string') throw new TopicError(40, compaction);
  if (!compaction.delete) Object.assign(out, { retentionMs: -1, retentionBytes: -1 });
  return out;
}

const TOPIC_NAME = /^[a-zA-Z0-9._-]{1,249}$/;

export class Topics {
  private readonly byName = new Map<string, Topic>();
  private readonly byId = new Map<string, Topic>();

  constructor(
    private readonly now: () => number,
    private readonly defaults: LogConfig = DEFAULT_LOG_CONFIG,
  ) {}

  get(name: string): Topic | undefined {
    return this.byName.get(name);
  }
  getById(id: Buffer): Topic | undefined {
    return this.byId.get(id.toString('hex'));
  }
  all(): Topic[] {
    return [...this.byName.values()];
  }
  get size(): number {
    return this.byName.size;
  }

  /** Creates a topic or throws TopicError with Kafka's error code. */
  create(
    name: string,
    partitions: number,
    replicationFactor: number,
    configs: Record<string, string>,
    liveNodes: number[],
    allNodes: number[],
    validateOnly = false,
  ): Topic {
    if (!TOPIC_NAME.test(name) || name === '.' || name === '..')
      throw new TopicError(17, `invalid topic name ${JSON.stringify(name)}`);
    if (this.byName.has(name)) throw new TopicError(36, `topic ${name} already exists`);
    if (!Number.isInteger(partitions) || partitions < 1 || partitions > 100_000)
      throw new TopicError(37, `partitions must be 1..100000, got ${partitions}`);
    if (!Number.isInteger(replicationFactor) || replicationFactor < 1 || replicationFactor > allNodes.length)
      throw new TopicError(38, `replication factor must be 1..${allNodes.length}, got ${replicationFactor}`);
    const cfg = logConfigFrom(configs, this.defaults);
    const topic: Topic = { name, id: randomBytes(16), configs: { ...configs }, partitions: [] };
    const start = this.byName.size;
    for (let p = 0; p < partitions; p++) {
      const replicas: number[] = [];
      for (let r = 0; r < replicationFactor; r++) replicas.push(allNodes[(start + p + r) % allNodes.length]!);
      topic.partitions.push({
        index: p,
        replicas,
        leader: replicas[0]!,
        leaderEpoch: 0,
        log: new PartitionLog(cfg, this.now),
      });
    }
    if (validateOnly) return topic;
    this.byName.set(name, topic);
    this.byId.set(topic.id.toString('hex'), topic);
    this.electLeaders(liveNodes);
    return topic;
  }

  /** replicated clusters: registers a topic built elsewhere (the controller's assignment) */
  put(topic: Topic): void {
    this.byName.set(topic.name, topic);
    this.byId.set(topic.id.toString('hex'), topic);
  }

  delete(name: string): boolean {
    const t = this.byName.get(name);
    if (!t) return false;
    this.byName.delete(name);
    this.byId.delete(t.id.toString('hex'));
    for (const p of t.partitions) p.log.wake();
    return true;
  }

  /** Recomputes leaders after a node stops or starts; bumps the epoch where the leader changed. */
  electLeaders(liveNodes: number[]): void {
    const live = new Set(liveNodes);
    for (const t of this.byName.values()) {
      for (const p of t.partitions) {
        let leader = p.replicas.find((r) => live.has(r));
        if (leader === undefined) leader = liveNodes.length ? liveNodes[p.index % liveNodes.length]! : -1;
        if (leader !== p.leader) {
          p.leader = leader;
          p.leaderEpoch++;
        }
      }
    }
  }
}
