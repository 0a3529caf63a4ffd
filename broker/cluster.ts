/**
 * The shared state of one in-process cluster: topics and logs, groups, committed offsets,
 * producer ids, the broker nodes (each its own listener, see server.ts) and the fault hooks.
 * Every node serves the same state; only partition leadership differs per node.
 */
import { createHash } from 'node:crypto';
import { realTimers, type Timers } from './group-types.ts';
import { Groups } from './groups.ts';
import { type Committed, Offsets } from './offsets.ts';
import { newListenerCounters } from './listener-counters.ts';
import { Producers } from './producers.ts';
import { DEFAULT_LOG_CONFIG, Topics, type Partition, type Topic } from './topics.ts';

export interface ClusterOptions {
  autoCreateTopics: boolean;
  defaultPartitions: number;
  defaultReplicationFactor: number;
  clusterId: string;
  maxFrameBytes: number;
  checkCrc: boolean;
  minSessionTimeoutMs: number;
  maxSessionTimeoutMs: number;
  maxFetchWaitMs: number;
}

export interface NodeInfo {
  id: number;
  /** address the listener binds */
  bindHost: string;
  /** address clients are told to connect to (Metadata, FindCoordinator) */
  host: string;
  port: number;
  alive: boolean;
}

/** What a fault hook sees: one request, before it is handled. */
export interface RequestInfo {
  apiKey: number;
  apiName: string;
  apiVersion: number;
  correlationId: number;
  clientId: string | null;
  node: number;
}

/**
 * What a hook may do: wait `delayMs` first (delays add up along the chain), answer every entry
 * with `errorCode`, `close` the client's connection, or `drop` the request (never answered).
 * Returning nothing lets the next hook (and then the broker) handle the request.
 */
export interface HookAction {
  delayMs?: number;
  errorCode?: number;
  close?: boolean;
  drop?: boolean;
}

/** a hook returns an action, or nothing to let the request through (a plain `() => {}` hook) */
// `void` (not `undefined`) lets hooks written as statement bodies type-check
// biome-ignore lint/suspicious/noConfusingVoidType: see above
export type ControlFn = (req: RequestInfo) => HookAction | void | Promise<HookAction | void>;

export interface Hook {
  remove(): void;
}

/**
 * What a node of a replicated cluster (one OS process per node, broker/replication/) plugs in:
 * the produce, fetch and topic-creation paths call these when set; a single node has none.
 */
export interface ReplicationHooks {
  /** an error code refusing a produce before it is appended (19 NOT_ENOUGH_REPLICAS), or 0 */
  checkProduce(p: Partition, acks: number): number;
  /** a batch was appended on the leader (the high watermark may move: a sole in-sync replica) */
  appended(p: Partition): void;
  /** resolves with 0 once the high watermark passes `end`, or with the error to answer (6, 7, 20) */
  awaitReplicated(p: Partition, end: number, timeoutMs: number): Promise<number>;
  /** a follower's Fetch (replica_id >= 0) at `offset`: its log end */
  onReplicaFetch(replicaId: number, topic: string, p: Partition, offset: number): void;
  /** creates a topic through the controller (answers at once with the agreed assignment) */
  createTopic(name: string, spec: TopicSpec): Topic;
  /** the controller's node id, for Metadata */
  controllerId(): number;
  /** the node coordinating a group: the leader of its __consumer_offsets partition */
  coordinatorFor?(key: string): NodeInfo | undefined;
  /** does this node coordinate the group (lead its __consumer_offsets partition)? */
  coordinates?(group: string): boolean;
  /** replicates a group's commits (already applied here); resolves with 0 or the error to answer */
  commitOffsets?(
    group: string,
    entries: Array<{ topic: string; partition: number; committed: Committed }>,
  ): Promise<number>;
}

export interface TopicSpec {
  partitions?: number;
  replicationFactor?: number;
  configs?: Record<string, string>;
  validateOnly?: boolean;
}

export class Cluster {
  readonly topics: Topics;
  readonly groups: Groups;
  readonly offsets = new Offsets();
  readonly producers = new Producers();
  readonly nodes: NodeInfo[] = [];
  readonly hooks: Array<{ key: number; fn: ControlFn }> = [];
  readonly counters = {
    records: 0,
    producedBytes: 0,
    fetchedBytes: 0,
    malformedFrames: 0,
    internalErrors: 0,
    /** what the client listeners read (server.ts): see ListenerCounters */
    listener: newListenerCounters(),
    lastInternalError: '',
    requests: new Map<string, number>(),
  };
  /** test hook: sees every request frame body before it is handled (the fuzz test records them) */
  frameTap: ((frame: Buffer) => void) | undefined;
  /** set in each node process of a replicated cluster (broker/replication/) */
  replication: ReplicationHooks | undefined;
  closed = false;
  /**
   * what to call when the cluster shuts down (a long-poll's wake-up): a set each waiter leaves when
   * it is done, not a promise it races, since every race left a reaction on a promise that only
   * settles at close (~300 B of heap per long-poll, kept for the broker's lifetime)
   */
  private readonly closeListeners = new Set<() => void>();

  /** call fn at close (at once if closed); the returned function forgets it */
  onClose(fn: () => void): () => void {
    if (this.closed) {
      fn();
      return () => {};
    }
    this.closeListeners.add(fn);
    return () => {
      this.closeListeners.delete(fn);
    };
  }

  /** close listeners not yet called nor forgotten (a test's check that waiters leave) */
  get closeListenerCount(): number {
    return this.closeListeners.size;
  }

  constructor(
    readonly options: ClusterOptions,
    readonly now: () => number = Date.now,
    timers: Timers = realTimers,
  ) {
    this.topics = new Topics(now, DEFAULT_LOG_CONFIG);
    this.groups = new Groups(
      { minSessionTimeoutMs: options.minSessionTimeoutMs, maxSessionTimeoutMs: options.maxSessionTimeoutMs },
      timers,
    );
  }

  get clusterId(): string {
    return this.options.clusterId;
  }

  liveNodes(): NodeInfo[] {
    return this.nodes.filter((n) => n.alive);
  }

  createTopic(name: string, spec: TopicSpec = {}): Topic {
    if (this.replication) return this.replication.createTopic(name, spec);
    const all = this.nodes.map((n) => n.id);
    const live = this.liveNodes().map((n) => n.id);
    return this.topics.create(
      name,
      spec.partitions ?? this.options.defaultPartitions,
      spec.replicationFactor ?? Math.min(this.options.defaultReplicationFactor, all.length),
      spec.configs ?? {},
      live,
      all,
      spec.validateOnly,
    );
  }

  deleteTopic(name: string): boolean {
    if (!this.topics.delete(name)) return false;
    this.offsets.deleteTopic(name);
    this.producers.deleteTopic(name);
    return true;
  }

  /**
   * Groups spread by a stable hash over all nodes; when that node is down, the next live one
   * coordinates. A node failing moves only its own groups (in a replicated cluster each node
   * keeps its own group state, so moving a group restarts it).
   */
  /** 16 NOT_COORDINATOR when another node of a replicated cluster coordinates the group, else 0 */
  notCoordinator(group: string): number {
    return this.replication?.coordinates && !this.replication.coordinates(group) ? 16 : 0;
  }

  coordinatorFor(key: string): NodeInfo | undefined {
    if (this.replication?.coordinatorFor) return this.replication.coordinatorFor(key);
    if (this.liveNodes().length === 0) return undefined;
    const h = createHash('md5').update(key).digest().readUInt32BE(0);
    for (let i = 0; i < this.nodes.length; i++) {
      const n = this.nodes[(h + i) % this.nodes.length]!;
      if (n.alive) return n;
    }
    return undefined;
  }

  setAlive(id: number, alive: boolean): void {
    const n = this.nodes.find((x) => x.id === id);
    if (!n) return;
    n.alive = alive;
    this.topics.electLeaders(this.liveNodes().map((x) => x.id));
  }

  addHook(key: number, fn: ControlFn): Hook {
    const entry = { key, fn };
    this.hooks.push(entry);
    return {
      remove: () => {
        const i = this.hooks.indexOf(entry);
        if (i >= 0) this.hooks.splice(i, 1);
      },
    };
  }

  /** runs the hooks for this request in order; returns the combined action */
  async runHooks(info: RequestInfo): Promise<HookAction> {
    let delayMs = 0;
    for (const h of [...this.hooks]) {
      if (h.key !== -1 && h.key !== info.apiKey) continue;
      const a = await h.fn(info);
      if (!a) continue;
      delayMs += a.delayMs ?? 0;
      if (a.close || a.drop || a.errorCode !== undefined) return { ...a, delayMs };
    }
    return { delayMs };
  }

  enforceRetention(): number {
    let freed = 0;
    const now = this.now();
    for (const t of this.topics.all()) for (const p of t.partitions) freed += p.log.enforceRetention(now);
    return freed;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const fn of this.closeListeners) fn();
    this.closeListeners.clear();
    this.groups.close();
    for (const t of this.topics.all()) for (const p of t.partitions) p.log.wake();
  }
}
