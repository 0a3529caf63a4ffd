/**
 * startBroker: an in-process Kafka-protocol broker (one node or a cluster of several) on
 * loopback. Real clients (kafkajs, @platformatic/kafka, librdkafka/kcat) talk to it unchanged.
 *
 *   const broker = await startBroker({ brokers: 3 });
 *   const kafka = new Kafka({ brokers: broker.bootstrap });
 *   ...
 *   await broker.close();
 */
import { randomUUID } from 'node:crypto';
import { networkInterfaces } from 'node:os';
import { z } from 'zod';
import { PipelabError } from '../errors.ts';
import { Cluster, type ClusterOptions, type ControlFn, type Hook, type TopicSpec } from './cluster.ts';
import { compactTopics, type CompactionResult } from './compaction.ts';
import { txnsOf } from './txn/coordinator.ts';
import type { Timers } from './group-types.ts';
import { REPLICATED_DEFAULTS, type ReplicatedOptions, replicatedSchema } from './replication/options.ts';
import { type ReplicatedCluster, replicatedHandle, spawnCluster } from './replication/spawn.ts';
import { NodeServer } from './server.ts';
import { type ListenerCounters, snapshotListener } from './listener-counters.ts';
import { nodeSecurity } from './auth/forward.ts';
import { exposureWarning, listenerSecurity, type SecurityOptions, securitySchema } from './auth/options.ts';
import { startSchemaRegistry, type SchemaRegistry } from './schema-registry/index.ts';

export type { ControlFn, Hook, HookAction, RequestInfo, TopicSpec } from './cluster.ts';
export type { CompactionResult } from './compaction.ts';
export type { SecurityOptions, SaslMechanismName } from './auth/options.ts';
export type { AclRule } from './auth/acl.ts';
export type { BrokerNode, ClusterView, NodeStatus } from './replication/spawn.ts';
export type { ReplicatedOptions } from './replication/options.ts';

/** the shared state behind each Broker handle; kept off the handle so it is no part of the public type */
const clusters = new WeakMap<Broker, Cluster>();

/** internal: the cluster state behind a Broker handle (tests reach it through this; not in pipelab/broker) */
export function clusterOf(broker: Broker): Cluster {
  const c = clusters.get(broker);
  if (!c) throw new Error('not a handle returned by startBroker');
  return c;
}

/** security (tls, sasl, acls, aclFile): see SecurityOptions and docs/security.md */
export interface BrokerOptions extends SecurityOptions, ReplicatedOptions {
  /** number of broker nodes in the cluster (default 1; more: see ReplicatedOptions) */
  brokers?: number;
  /** address to bind and advertise (default 127.0.0.1; other addresses only when asked) */
  host?: string;
  /**
   * address given to clients in Metadata (default: `host`; for a wildcard host such as 0.0.0.0,
   * this machine's first external IPv4 address)
   */
  advertisedHost?: string;
  /** port of the first node; the others take the next ports. 0 (default) = free ports */
  port?: number;
  /** create unknown topics when a client asks for their metadata (default true) */
  autoCreateTopics?: boolean;
  /** partitions of auto-created topics and of CreateTopics with -1 (default 1) */
  defaultPartitions?: number;
  /** replication factor when a client leaves it to the broker (default 1) */
  defaultReplicationFactor?: number;
  /** topics created at start */
  topics?: Array<TopicSpec & { name: string }>;
  clusterId?: string;
  /** largest request frame accepted; larger closes the connection (default 100 MiB) */
  maxFrameBytes?: number;
  /** verify record batch CRCs on produce (default true) */
  checkCrc?: boolean;
  /** group session timeout bounds (Kafka: group.min/max.session.timeout.ms; default 6 s and 30 min) */
  minSessionTimeoutMs?: number;
  maxSessionTimeoutMs?: number;
  /** upper bound on a Fetch long-poll (default 30 s) */
  maxFetchWaitMs?: number;
  /**
   * how often retention, compaction (partitions past min.cleanable.dirty.ratio) and transaction
   * timeouts run besides on every append (default 1 s; 0 = only on append)
   */
  retentionCheckMs?: number;
  /** clock for log timestamps and retention (default Date.now) */
  now?: () => number;
  /** timers for the group coordinator (default real timers) */
  timers?: Timers;
  /** where the warning for a non-loopback listener without TLS and SASL goes (default process.emitWarning) */
  onWarning?: (message: string) => void;
  /** also serve a minimal Confluent Schema Registry API (true: on a free port); see docs/formats.md */
  schemaRegistry?: boolean | { port?: number };
}

export interface PartitionLag {
  topic: string;
  partition: number;
  /** committed offset, -1 when the group has not committed this partition */
  committed: number;
  highWatermark: number;
  lag: number;
}

export interface GroupLag {
  group: string;
  total: number;
  partitions: PartitionLag[];
}

export interface BrokerStats {
  nodes: Array<{ id: number; host: string; port: number; alive: boolean; connections: number }>;
  topics: number;
  partitions: number;
  /** bytes of record batches held in memory */
  storedBytes: number;
  batches: number;
  recordsProduced: number;
  bytesProduced: number;
  bytesFetched: number;
  /** connections closed for malformed frames (bad size, short or unparsable request, unknown API or version) */
  malformedFrames: number;
  /** requests that hit a broker bug (the connection is closed); should stay 0 */
  internalErrors: number;
  lastInternalError: string;
  requests: Record<string, number>;
  /** connections, and each frame's fate: handled, rejected by reason, cut short (listener-counters.ts) */
  listener: ListenerCounters;
  groups: Array<{ id: string; state: string; members: number }>;
  memory: { rss: number; heapUsed: number; external: number; arrayBuffers: number };
}

export interface Broker {
  /** `host:port` of every live node, for a client's `brokers` option */
  readonly bootstrap: string[];
  readonly clusterId: string;
  /** replicated clusters return a promise that resolves once every node knows the topic */
  createTopic(name: string, spec?: TopicSpec): void | Promise<void>;
  deleteTopic(name: string): boolean;
  /** consumer lag of a group per partition (committed offset vs high-water mark) */
  lag(group: string): GroupLag;
  stats(): BrokerStats;
  /** stops a node (its connections close, leadership moves); data is kept */
  stopBroker(id: number): Promise<void>;
  /** restarts a stopped node on the same port */
  startBroker(id: number): Promise<void>;
  /**
   * Intercepts requests of one API key (-1 = every request); hooks run in the order added and
   * chain until one answers (errorCode, close, drop). Returns a handle to remove it.
   */
  control(apiKey: number, fn: ControlFn): Hook;
  /** runs retention now; returns bytes freed */
  enforceRetention(): number;
  /** a compaction pass over every partition of every cleanup.policy=compact topic, now */
  compact(): CompactionResult;
  /** the embedded schema registry (its `url`), when started with `schemaRegistry` */
  readonly schemaRegistry: SchemaRegistry | undefined;
  close(): Promise<void>;
  /** replicated clusters (brokers > 1, processes): one handle per node process, by id */
  readonly nodes?: readonly import('./replication/spawn.ts').BrokerNode[];
  /** replicated clusters: the controller's newest state (leaders, ISRs, live nodes), and a wait for a condition */
  readonly replication?: Pick<ReplicatedCluster, 'view' | 'until' | 'counters'>;
}

const DEFAULTS = {
  brokers: 1,
  host: '127.0.0.1',
  port: 0,
  autoCreateTopics: true,
  defaultPartitions: 1,
  defaultReplicationFactor: 1,
  maxFrameBytes: 100 * 1024 * 1024,
  checkCrc: true,
  minSessionTimeoutMs: 6000,
  maxSessionTimeoutMs: 30 * 60_000,
  maxFetchWaitMs: 30_000,
  retentionCheckMs: 1000,
  ...REPLICATED_DEFAULTS,
};

const int = (min: number, max: number) => z.number().int().min(min).max(max).optional();
/** the boundary check of startBroker's options: every problem is reported with its path */
const OptionsSchema = z
  .object({
    brokers: int(1, 16),
    ...replicatedSchema,
    host: z.string().min(1).optional(),
    advertisedHost: z.string().min(1).optional(),
    port: int(0, 65535),
    autoCreateTopics: z.boolean().optional(),
    defaultPartitions: int(1, 100_000),
    defaultReplicationFactor: int(1, 16),
    topics: z
      .array(
        z.object({
          name: z.string().min(1),
          partitions: int(1, 100_000),
          replicationFactor: int(1, 16),
          configs: z.record(z.string(), z.string()).optional(),
        }),
      )
      .optional(),
    clusterId: z.string().min(1).optional(),
    maxFrameBytes: int(1024, 2 ** 31 - 1),
    checkCrc: z.boolean().optional(),
    minSessionTimeoutMs: int(0, 2 ** 31 - 1),
    maxSessionTimeoutMs: int(0, 2 ** 31 - 1),
    maxFetchWaitMs: int(0, 2 ** 31 - 1),
    retentionCheckMs: int(0, 2 ** 31 - 1),
    now: z.custom<() => number>((v) => typeof v === 'function').optional(),
    timers: z.custom<Timers>((v) => typeof v === 'object' && v !== null).optional(),
    onWarning: z.custom<(m: string) => void>((v) => typeof v === 'function').optional(),
    ...securitySchema,
    schemaRegistry: z.union([z.boolean(), z.object({ port: int(0, 65535) }).strict()]).optional(),
  })
  .strict();

function validate(o: BrokerOptions): void {
  const r = OptionsSchema.safeParse(o);
  if (r.success) return;
  const issues = r.error.issues.map((i) => ({
    path: `/options${i.path.map((p) => `/${String(p)}`).join('')}`,
    message: i.message,
  }));
  throw new PipelabError('INVALID_ARGUMENT', 'invalid broker options', {
    issues,
    hint: 'see docs/broker.md for the options and their ranges',
  });
}

/** what to tell clients when binding a wildcard address: a connectable address of this machine */
function advertise(host: string): string {
  if (host !== '0.0.0.0' && host !== '::') return host;
  for (const addrs of Object.values(networkInterfaces()))
    for (const a of addrs ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  return '127.0.0.1';
}

/** what the cluster state needs of the options (the same for one process or one per node) */
function clusterOptions(o: typeof DEFAULTS & BrokerOptions): ClusterOptions {
  return {
    autoCreateTopics: o.autoCreateTopics,
    defaultPartitions: o.defaultPartitions,
    defaultReplicationFactor: o.defaultReplicationFactor,
    clusterId: o.clusterId ?? `pipelab-${randomUUID().slice(0, 8)}`,
    maxFrameBytes: o.maxFrameBytes,
    checkCrc: o.checkCrc,
    minSessionTimeoutMs: o.minSessionTimeoutMs,
    maxSessionTimeoutMs: o.maxSessionTimeoutMs,
    maxFetchWaitMs: o.maxFetchWaitMs,
  };
}

export async function startBroker(options: BrokerOptions = {}): Promise<Broker> {
  validate(options);
  const o = {
    ...DEFAULTS,
    ...Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)),
  } as typeof DEFAULTS & BrokerOptions;
  const opts = clusterOptions(o);
  const security = listenerSecurity(o);
  const warning = exposureWarning(o.host, security);
  if (warning) (o.onWarning ?? ((m: string) => process.emitWarning(m)))(warning);
  // replicated node processes serve the same listener security (broker/auth/forward.ts)
  if (o.brokers > 1 && o.processes) return replicatedBroker(o, opts, nodeSecurity(o, security));
  const cluster = new Cluster(opts, o.now ?? Date.now, o.timers);
  const servers: NodeServer[] = [];
  for (let id = 0; id < o.brokers; id++) {
    const info = {
      id,
      bindHost: o.host,
      host: o.advertisedHost ?? advertise(o.host),
      port: o.port === 0 ? 0 : o.port + id,
      alive: true,
    };
    cluster.nodes.push(info);
    servers.push(new NodeServer(info, cluster, security));
  }
  await listenAll(servers, cluster, o.host, o.port);
  const registry = await startRegistry(o.schemaRegistry, o.host, o.advertisedHost ?? advertise(o.host)).catch(
    async (e) => {
      await Promise.all(servers.map((s) => s.stop()));
      cluster.close();
      throw e;
    },
  );
  for (const t of o.topics ?? []) cluster.createTopic(t.name, t);
  const periodic = () => {
    cluster.enforceRetention();
    compactTopics(cluster.topics.all(), cluster.now());
    txnsOf(cluster).expire();
  };
  const timer = o.retentionCheckMs > 0 ? setInterval(periodic, o.retentionCheckMs) : undefined;
  timer?.unref();

  const node = (id: number): NodeServer => {
    const s = servers[id];
    if (!s)
      throw new PipelabError('INVALID_ARGUMENT', `no broker node ${id}`, {
        hint: `node ids are 0..${servers.length - 1}`,
      });
    return s;
  };

  let closed = false;
  const broker: Broker = {
    get bootstrap() {
      return cluster.liveNodes().map((n) => `${n.host}:${n.port}`);
    },
    clusterId: opts.clusterId,
    createTopic: (name, spec) => {
      cluster.createTopic(name, spec);
    },
    deleteTopic: (name) => cluster.deleteTopic(name),
    lag: (group) => groupLag(cluster, group),
    stats: () => brokerStats(cluster, servers),
    async stopBroker(id) {
      const s = node(id);
      if (!s.info.alive) return;
      cluster.setAlive(id, false);
      await s.stop();
    },
    async startBroker(id) {
      const s = node(id);
      if (s.info.alive) return;
      await s.start();
      cluster.setAlive(id, true);
    },
    control: (apiKey, fn) => cluster.addHook(apiKey, fn),
    enforceRetention: () => cluster.enforceRetention(),
    compact: () => compactTopics(cluster.topics.all(), cluster.now(), true),
    schemaRegistry: registry,
    async close() {
      if (closed) return;
      closed = true;
      if (timer) clearInterval(timer);
      cluster.close();
      await Promise.all([...servers.map((s) => s.stop()), registry?.close()]);
    },
  };
  clusters.set(broker, cluster);
  return broker;
}

function startRegistry(
  opt: BrokerOptions['schemaRegistry'],
  host: string,
  advertisedHost: string,
): Promise<SchemaRegistry | undefined> {
  if (!opt) return Promise.resolve(undefined);
  return startSchemaRegistry({ host, advertisedHost, port: opt === true ? 0 : (opt.port ?? 0) });
}

/** brokers > 1 with processes: one OS process per node (broker/replication/) behind the same handle */
async function replicatedBroker(
  o: typeof DEFAULTS & BrokerOptions,
  opts: ClusterOptions,
  security: SecurityOptions | undefined,
): Promise<Broker> {
  const advertisedHost = o.advertisedHost ?? advertise(o.host);
  const c = await spawnCluster({ ...o, advertisedHost, cluster: opts, ...(security ? { security } : {}) });
  for (const t of o.topics ?? []) await c.createTopic(t.name, t);
  // the counters live in the node processes: an empty cluster's stats, with the nodes and topics of the view
  const stats = () => {
    const empty = new Cluster(opts);
    const s = brokerStats(empty, []);
    empty.close();
    return { ...s, ...c.stats() };
  };
  const registry = await startRegistry(o.schemaRegistry, o.host, o.advertisedHost ?? advertise(o.host)).catch(
    async (e) => {
      await c.close();
      throw e;
    },
  );
  return replicatedHandle(c, opts.clusterId, stats, registry);
}

/** every node listens, or none does: a failure stops the started ones and names the address */
async function listenAll(servers: NodeServer[], cluster: Cluster, host: string, port: number): Promise<void> {
  try {
    for (const s of servers) await s.start();
  } catch (e) {
    for (const s of servers) await s.stop();
    cluster.close();
    const err = e as NodeJS.ErrnoException;
    throw new PipelabError(
      'SERVICE_UNAVAILABLE',
      `broker could not listen on ${host}:${port} (${err.code ?? err.message})`,
      {
        cause: e,
        hint: err.code === 'EADDRINUSE' ? 'pick another --port, or 0 for a free one' : 'check the --host address',
      },
    );
  }
}

/**
 * a group's committed offsets against each partition's high watermark (from the log start when nothing is committed)
 */
function groupLag(cluster: Cluster, group: string): GroupLag {
  const byTopic = new Set(cluster.offsets.entries(group).map((e) => e.topic));
  const partitions: PartitionLag[] = [];
  for (const name of byTopic) {
    const t = cluster.topics.get(name);
    if (!t) continue;
    for (const p of t.partitions) {
      const committed = cluster.offsets.get(group, name, p.index)?.offset ?? -1;
      const from = committed < 0 ? p.log.logStart : Math.max(committed, p.log.logStart);
      partitions.push({
        topic: name,
        partition: p.index,
        committed,
        highWatermark: p.log.visibleEnd,
        lag: Math.max(0, p.log.visibleEnd - from),
      });
    }
  }
  return { group, total: partitions.reduce((s, p) => s + p.lag, 0), partitions };
}

function brokerStats(cluster: Cluster, servers: NodeServer[]): BrokerStats {
  let partitions = 0,
    storedBytes = 0,
    batches = 0;
  for (const t of cluster.topics.all())
    for (const p of t.partitions) {
      partitions++;
      storedBytes += p.log.bytes;
      batches += p.log.batchCount;
    }
  const m = process.memoryUsage();
  return {
    nodes: servers.map((s) => ({
      id: s.info.id,
      host: s.info.host,
      port: s.info.port,
      alive: s.info.alive,
      connections: s.connections,
    })),
    topics: cluster.topics.size,
    partitions,
    storedBytes,
    batches,
    recordsProduced: cluster.counters.records,
    bytesProduced: cluster.counters.producedBytes,
    bytesFetched: cluster.counters.fetchedBytes,
    malformedFrames: cluster.counters.malformedFrames,
    internalErrors: cluster.counters.internalErrors,
    lastInternalError: cluster.counters.lastInternalError,
    requests: Object.fromEntries(cluster.counters.requests),
    listener: snapshotListener(cluster.counters.listener),
    groups: cluster.groups.all().map((g) => ({ id: g.id, state: g.state, members: g.members.size })),
    memory: { rss: m.rss, heapUsed: m.heapUsed, external: m.external, arrayBuffers: m.arrayBuffers },
  };
}
