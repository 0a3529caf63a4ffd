/**
 * One node's replicas (Kafka's ReplicaManager + Partition): applies the controller's state to
 * the node's own topics and logs, leads or follows each partition, and implements the hooks the
 * produce and fetch paths call (cluster.ts ReplicationHooks).
 *
 * Leader: records each follower's log end from its Fetch (replica_id), advances the high
 * watermark to the lowest log end over the ISR, answers acks=-1 once the high watermark passes
 * the batch, refuses acks=-1 with NOT_ENOUGH_REPLICAS while the ISR is smaller than
 * min.insync.replicas, and asks the controller to drop followers that have not caught up within
 * replicaLagMs and to add back those that have.
 * Follower: truncates to its high watermark when a new leader is elected (its suffix beyond may
 * diverge), then fetches from the leader; the idempotent-producer state is rebuilt from the
 * batch headers it appends, so a retry the new leader already holds is a duplicate, not a copy.
 */
import { parseBatchHeader } from '../protocol/record-batch.ts';
import type { Cluster, NodeInfo, ReplicationHooks, TopicSpec } from '../cluster.ts';
import {
  applyCommits,
  encodeCommits,
  encodeGroupRecord,
  OFFSETS_TOPIC,
  type OffsetEntry,
  offsetsPartitionFor,
} from './offsets-log.ts';
import { groupRecord } from '../group-records.ts';
import type { Group } from '../group-types.ts';
import { GroupLog } from './group-log.ts';
import type { Partition, Topic } from '../topics.ts';
import { assign, type ClusterState, type PartitionState, type TopicState, topicId } from './controller.ts';
import { Fetcher, type FetcherHost, type Followed } from './fetcher.ts';
import { rebuildTxnState } from '../txn/partition-state.ts';
import { isControl, isTransactional } from '../txn/records.ts';
import { txnBatchAppended } from '../txn/txn-offsets.ts';

export interface ReplicaConfig {
  /** cluster default of `min.insync.replicas` (a topic config overrides it) */
  minInsyncReplicas: number;
  /** a follower not caught up for this long leaves the ISR (Kafka: replica.lag.time.max.ms) */
  replicaLagMs: number;
}

interface FollowerProgress {
  leo: number;
  lastFetchMs: number;
  leoAtLastFetch: number;
  lastCaughtUpMs: number;
}

interface Led {
  f: Followed;
  followers: Map<number, FollowerProgress>;
  /** the ISR change asked of the controller, not yet in the state */
  asked: string;
  askedAt: number;
}

interface Waiter {
  end: number;
  resolve: (error: number) => void;
  timer: NodeJS.Timeout;
}

export class ReplicaManager implements ReplicationHooks, FetcherHost {
  state: ClusterState | undefined;
  /** where to fetch from each leader when its client listener is secured: its internal loopback listener */
  readonly replicaAddresses = new Map<number, { host: string; port: number }>();
  private readonly led = new Map<Partition, Led>();
  private readonly following = new Map<Partition, number>();
  private readonly fetchers = new Map<number, Fetcher>();
  private readonly waiters = new Map<Partition, Waiter[]>();
  private readonly names = new Map<Partition, Followed>();
  private readonly timer: NodeJS.Timeout;
  /** transactions (broker/txn/replicated.ts): this node became or stopped being a partition's leader */
  onLeadership: (topic: string, index: number, p: Partition, leads: boolean) => void = () => {};
  /** group membership records of __consumer_offsets (group-log.ts) */
  private readonly groupLog: GroupLog;

  constructor(
    private readonly c: Cluster,
    readonly me: number,
    private readonly cfg: ReplicaConfig,
    /** sends a message to the controller */
    private readonly toController: (msg: object) => void,
  ) {
    this.timer = setInterval(() => this.checkIsr(), Math.max(50, cfg.replicaLagMs / 2));
    this.timer.unref();
    this.groupLog = new GroupLog(c.groups);
    c.groups.store = (id, g) => this.storeGroup(id, g);
  }

  close(): void {
    clearInterval(this.timer);
    for (const f of this.fetchers.values()) f.stop();
    for (const p of [...this.waiters.keys()]) this.failWaiters(p, 6);
  }

  // ---- hooks (cluster.ts) ----

  controllerId(): number {
    return this.state?.controller ?? -1;
  }

  private minIsr(f: Followed | undefined): number {
    const v = f && this.c.topics.get(f.topic)?.configs['min.insync.replicas'];
    return v ? Number(v) : this.cfg.minInsyncReplicas;
  }

  checkProduce(p: Partition, acks: number): number {
    if (acks !== -1) return 0;
    return (p.isr?.length ?? 1) < this.minIsr(this.names.get(p)) ? 19 : 0;
  }

  appended(p: Partition): void {
    if (p.isr && p.isr.length === 1) this.advanceHw(p);
  }

  awaitReplicated(p: Partition, end: number, timeoutMs: number): Promise<number> {
    if ((p.log.replicaHw ?? p.log.hwm) >= end) return Promise.resolve(0);
    if (!this.led.has(p)) return Promise.resolve(6);
    return new Promise((resolve) => {
      const list = this.waiters.get(p) ?? [];
      this.waiters.set(p, list);
      const w: Waiter = {
        end,
        resolve,
        timer: setTimeout(
          () => {
            list.splice(list.indexOf(w), 1);
            resolve(7);
          },
          Math.max(1, timeoutMs),
        ),
      };
      list.push(w);
    });
  }

  onReplicaFetch(replicaId: number, _topic: string, p: Partition, offset: number): void {
    const led = this.led.get(p);
    const fp = led?.followers.get(replicaId);
    if (!led || !fp) return;
    const now = Date.now();
    const leo = p.log.hwm;
    if (offset >= leo) fp.lastCaughtUpMs = now;
    else if (offset >= fp.leoAtLastFetch) fp.lastCaughtUpMs = Math.max(fp.lastCaughtUpMs, fp.lastFetchMs);
    fp.leo = offset;
    fp.lastFetchMs = now;
    fp.leoAtLastFetch = leo;
    const isr = p.isr ?? [];
    if (!isr.includes(replicaId) && offset >= (p.log.replicaHw ?? 0)) this.askIsr(led, [...isr, replicaId]);
    this.advanceHw(p);
  }

  /** this node leads the partition (transactions: coordinator checks and marker writes) */
  leads(p: Partition): boolean {
    return this.led.has(p);
  }

  // ---- groups: committed offsets in __consumer_offsets (offsets-log.ts) ----

  coordinatorFor(key: string): NodeInfo | undefined {
    const p = this.c.topics.get(OFFSETS_TOPIC)?.partitions[offsetsPartitionFor(key)];
    if (!p || p.leader < 0) return undefined;
    return this.c.nodes.find((n) => n.id === p.leader && n.alive);
  }

  /** does this node coordinate the group (lead its __consumer_offsets partition)? */
  coordinates(group: string): boolean {
    const p = this.c.topics.get(OFFSETS_TOPIC)?.partitions[offsetsPartitionFor(group)];
    return !!p && this.led.has(p);
  }

  commitOffsets(group: string, entries: OffsetEntry[]): Promise<number> {
    return this.appendOffsets(group, encodeCommits(group, entries, Date.now()));
  }

  /** a group's completed generation, emptiness or deletion, replicated as commits are */
  private storeGroup(id: string, g: Group | null): Promise<number> {
    const value = g ? groupRecord(g) : null;
    const stored = this.appendOffsets(id, encodeGroupRecord(id, value, Date.now()));
    this.groupLog.remember(id, value);
    return stored;
  }

  private async appendOffsets(group: string, batch: Buffer): Promise<number> {
    const p = this.c.topics.get(OFFSETS_TOPIC)?.partitions[offsetsPartitionFor(group)];
    if (!p || !this.led.has(p)) return 16; // NOT_COORDINATOR: the client finds the coordinator again
    const h = parseBatchHeader(batch, 0, false);
    const base = p.log.append(batch, h, p.leaderEpoch);
    this.appended(p);
    const error = await this.awaitReplicated(p, base + h.count, 5000);
    // leadership moved meanwhile: NOT_COORDINATOR; not on enough replicas in time: COORDINATOR_NOT_AVAILABLE
    return error === 0 ? 0 : error === 6 ? 16 : 15;
  }

  createTopic(name: string, spec: TopicSpec): Topic {
    const s = this.state;
    const ids = (s?.nodes ?? []).map((n) => n.id);
    const partitions = spec.partitions ?? this.c.options.defaultPartitions;
    const rf = spec.replicationFactor ?? Math.min(this.c.options.defaultReplicationFactor, ids.length);
    const configs = spec.configs ?? {};
    // validates the name, counts and configs (throws TopicError); registers nothing
    const t = this.c.topics.create(name, partitions, rf, configs, ids, ids, true);
    if (spec.validateOnly || !s) return t;
    const alive = new Set(s.nodes.filter((n) => n.alive).map((n) => n.id));
    const ts: TopicState = {
      id: topicId(this.c.clusterId, name),
      configs,
      partitions: assign(name, partitions, rf, ids).map((r) => {
        const isr = r.filter((id) => alive.has(id));
        return { replicas: r, leader: isr[0] ?? -1, leaderEpoch: 0, isr: isr.length ? isr : [r[0]!] };
      }),
    };
    this.toController({ t: 'create', name, partitions, rf, configs });
    return this.applyTopic(name, ts);
  }

  // ---- the controller's state ----

  applyState(s: ClusterState): void {
    this.state = s;
    for (const n of s.nodes) {
      let info = this.c.nodes.find((x) => x.id === n.id);
      if (!info) {
        info = { id: n.id, bindHost: n.host, host: n.host, port: n.port, alive: n.alive };
        this.c.nodes.push(info);
        this.c.nodes.sort((a, b) => a.id - b.id);
      }
      // the address the node advertises (its own too: it may be a fault proxy in front of it)
      info.host = n.host;
      info.port = n.port;
      info.alive = n.id === this.me || n.alive;
    }
    for (const [name, ts] of Object.entries(s.topics)) this.applyTopic(name, ts);
  }

  private applyTopic(name: string, ts: TopicState): Topic {
    let t = this.c.topics.get(name);
    if (!t) {
      const ids = this.c.nodes.map((n) => n.id);
      t = this.c.topics.create(
        name,
        ts.partitions.length,
        ts.partitions[0]!.replicas.length,
        ts.configs,
        ids,
        ids,
        true,
      );
      t.id = Buffer.from(ts.id, 'hex');
      for (const p of t.partitions) p.leaderEpoch = -1;
      this.c.topics.put(t);
    }
    const topic = t;
    ts.partitions.forEach((ps, i) => {
      const p = topic.partitions[i];
      if (p) this.applyPartition({ topic: name, index: i, p }, ps);
    });
    return t;
  }

  private applyPartition(f: Followed, ps: PartitionState): void {
    const { p } = f;
    this.names.set(p, f);
    const changed = p.leaderEpoch !== ps.leaderEpoch || p.leader !== ps.leader;
    p.replicas = [...ps.replicas];
    p.isr = [...ps.isr];
    p.leader = ps.leader;
    p.leaderEpoch = ps.leaderEpoch;
    const led = this.led.get(p);
    if (led && led.asked === p.isr.join(',')) led.asked = '';
    if (!changed && (ps.leader !== this.me) === !led) {
      if (led) this.advanceHw(p);
      return;
    }
    if (ps.leader === this.me) this.becomeLeader(f);
    else this.becomeFollower(f, ps.leader);
  }

  private becomeLeader(f: Followed): void {
    const { p } = f;
    this.stopFollowing(p);
    const now = Date.now();
    const followers = new Map<number, FollowerProgress>();
    for (const r of p.replicas)
      if (r !== this.me) followers.set(r, { leo: -1, lastFetchMs: now, leoAtLastFetch: 0, lastCaughtUpMs: now });
    this.led.set(p, { f, followers, asked: '', askedAt: 0 });
    p.log.replicaHw ??= 0;
    this.advanceHw(p);
    this.onLeadership(f.topic, f.index, p, true);
    if (f.topic === OFFSETS_TOPIC) this.groupLog.takeOver(f.index);
  }

  private becomeFollower(f: Followed, leader: number): void {
    const { p } = f;
    this.led.delete(p);
    this.failWaiters(p, 6);
    if (f.topic === OFFSETS_TOPIC) this.groupLog.resign(f.index);
    this.stopFollowing(p);
    // the suffix past the high watermark may differ from the new leader's: drop it and fetch again
    const hw = Math.min(p.log.replicaHw ?? 0, p.log.hwm);
    p.log.truncateTo(hw);
    p.log.replicaHw = hw;
    this.c.producers.truncate(f.topic, f.index, hw);
    rebuildTxnState(p.log);
    this.onLeadership(f.topic, f.index, p, false);
    p.log.wake();
    if (leader < 0 || !p.replicas.includes(this.me)) return;
    this.following.set(p, leader);
    let fetcher = this.fetchers.get(leader);
    if (!fetcher) {
      fetcher = new Fetcher(this, leader);
      this.fetchers.set(leader, fetcher);
    }
    fetcher.add(f);
  }

  private stopFollowing(p: Partition): void {
    const from = this.following.get(p);
    if (from === undefined) return;
    this.following.delete(p);
    this.fetchers.get(from)?.remove(p);
  }

  // ---- leader: high watermark and ISR ----

  private advanceHw(p: Partition): void {
    const led = this.led.get(p);
    if (!led) return;
    let hw = p.log.hwm;
    for (const r of p.isr ?? []) {
      if (r === this.me) continue;
      const fp = led.followers.get(r);
      hw = Math.min(hw, fp && fp.leo >= 0 ? fp.leo : (p.log.replicaHw ?? 0));
    }
    // Kafka 3.7+: the high watermark stands still while the ISR is below min.insync.replicas
    if ((p.isr?.length ?? 1) < this.minIsr(led.f)) return;
    if (hw <= (p.log.replicaHw ?? 0)) return;
    p.log.replicaHw = hw;
    p.log.wake();
    const list = this.waiters.get(p);
    if (!list) return;
    for (const w of [...list])
      if (w.end <= hw) {
        clearTimeout(w.timer);
        list.splice(list.indexOf(w), 1);
        w.resolve(0);
      }
  }

  private failWaiters(p: Partition, error: number): void {
    const list = this.waiters.get(p);
    if (!list) return;
    this.waiters.delete(p);
    for (const w of list) {
      clearTimeout(w.timer);
      w.resolve(error);
    }
  }

  private askIsr(led: Led, isr: number[]): void {
    const key = isr.join(',');
    // asked already: again only after a while (the controller may have refused: a node not yet alive to it)
    if (led.asked === key && Date.now() - led.askedAt < 500) return;
    led.asked = key;
    led.askedAt = Date.now();
    const { p, topic, index } = led.f;
    this.toController({ t: 'isr', topic, partition: index, leaderEpoch: p.leaderEpoch, isr });
  }

  /** followers that have not caught up within replicaLagMs leave the ISR */
  private checkIsr(): void {
    const now = Date.now();
    for (const led of this.led.values()) {
      const isr = led.f.p.isr ?? [];
      const lagging = isr.filter((r) => {
        const fp = led.followers.get(r);
        return r !== this.me && fp !== undefined && now - fp.lastCaughtUpMs > this.cfg.replicaLagMs;
      });
      if (lagging.length)
        this.askIsr(
          led,
          isr.filter((r) => !lagging.includes(r)),
        );
    }
  }

  // ---- follower (FetcherHost) ----

  address(leader: number): { host: string; port: number } | undefined {
    const internal = this.replicaAddresses.get(leader);
    if (internal) return internal;
    const n = this.state?.nodes.find((x) => x.id === leader);
    return n ? { host: n.host, port: n.port } : undefined;
  }

  appendReplica(f: Followed, batch: Buffer): void {
    if (this.following.get(f.p) === undefined) return;
    const h = parseBatchHeader(batch, 0, false);
    const base = f.p.log.append(batch, h, batch.readInt32BE(12));
    // markers carry no sequence (the producer's go on across them), but a new epoch: a fenced zombie's is refused
    if (isControl(batch)) this.c.producers.marker(h.producerId, h.producerEpoch, f.topic, f.index);
    else this.c.producers.record(h.producerId, h.producerEpoch, f.topic, f.index, h.baseSequence, h.count, base);
    this.c.counters.records += h.count;
    // open/aborted transactions, and transactional offsets pending their marker (broker/txn/)
    txnBatchAppended(this.c, f.p, batch, base, f.topic === OFFSETS_TOPIC);
    // the group commits this node will serve if it becomes their coordinator
    if (f.topic === OFFSETS_TOPIC && !isTransactional(batch))
      applyCommits(batch, this.c.offsets, (g, v) => this.groupLog.remember(g, v));
  }

  setFollowerHw(f: Followed, leaderHw: number): void {
    if (this.following.get(f.p) === undefined) return;
    f.p.log.replicaHw = Math.max(f.p.log.replicaHw ?? 0, Math.min(leaderHw, f.p.log.hwm));
  }

  fetchError(f: Followed, error: number, leaderHw: number): void {
    if (error === 1 && leaderHw >= 0 && f.p.log.hwm > leaderHw) {
      f.p.log.truncateTo(leaderHw);
      this.c.producers.truncate(f.topic, f.index, leaderHw);
      rebuildTxnState(f.p.log);
    }
  }
}
