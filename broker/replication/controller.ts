/**
 * The controller's decisions, as pure functions on the cluster state it replicates to every node:
 * which nodes are alive, and per partition its replicas, leader, leader epoch and in-sync
 * replicas (ISR). It assigns replicas when a topic is created, removes a dead node from every ISR
 * and elects a new leader from the ISR (from any live replica only when unclean election is on),
 * applies the ISR changes a leader asks for, and moves leadership away from a node shutting down
 * cleanly. Whichever node is controller runs these on its copy and sends the result to all.
 */
import { createHash } from 'node:crypto';

export interface PartitionState {
  replicas: number[];
  /** -1: no leader (every ISR member is dead and unclean election is off) */
  leader: number;
  leaderEpoch: number;
  isr: number[];
}

export interface TopicState {
  /** topic id, hex */
  id: string;
  configs: Record<string, string>;
  partitions: PartitionState[];
}

export interface NodeState {
  id: number;
  host: string;
  port: number;
  alive: boolean;
  /** changes on every start of the node's process: a new incarnation has an empty log */
  incarnation: string;
}

export interface ClusterState {
  controller: number;
  /** bumped by every new controller; nodes ignore states from an older one */
  controllerEpoch: number;
  /** bumped on every change by the same controller */
  version: number;
  nodes: NodeState[];
  topics: Record<string, TopicState>;
}

export interface ControllerConfig {
  /** cluster default for `unclean.leader.election.enable` (a topic config overrides it) */
  uncleanElection: boolean;
}

export function emptyState(nodes: NodeState[]): ClusterState {
  return { controller: -1, controllerEpoch: 0, version: 0, nodes, topics: {} };
}

const aliveSet = (s: ClusterState) => new Set(s.nodes.filter((n) => n.alive).map((n) => n.id));

function unclean(t: TopicState, cfg: ControllerConfig): boolean {
  const v = t.configs['unclean.leader.election.enable'];
  return v === undefined ? cfg.uncleanElection : v === 'true';
}

/** Kafka's rule: the first replica (in assignment order) that is alive and in the ISR */
function elect(p: PartitionState, alive: Set<number>, allowUnclean: boolean): void {
  let leader = p.replicas.find((r) => alive.has(r) && p.isr.includes(r));
  if (leader === undefined && allowUnclean) {
    leader = p.replicas.find((r) => alive.has(r));
    if (leader !== undefined) p.isr = [leader];
  }
  const next = leader ?? -1;
  if (next !== p.leader) {
    p.leader = next;
    p.leaderEpoch++;
  }
}

/** the same assignment on every node: replicas rotate over the node ids from a hash of the name */
export function assign(name: string, partitions: number, rf: number, nodeIds: number[]): number[][] {
  const ids = [...nodeIds].sort((a, b) => a - b);
  const start = createHash('md5').update(name).digest().readUInt32BE(0) % ids.length;
  return Array.from({ length: partitions }, (_, p) =>
    Array.from({ length: rf }, (_, r) => ids[(start + p + r) % ids.length]!),
  );
}

export function topicId(clusterId: string, name: string): string {
  return createHash('md5').update(`${clusterId}/${name}`).digest('hex');
}

export function createTopic(
  s: ClusterState,
  clusterId: string,
  name: string,
  partitions: number,
  rf: number,
  configs: Record<string, string>,
): boolean {
  if (s.topics[name]) return false;
  const alive = aliveSet(s);
  const replicas = assign(
    name,
    partitions,
    rf,
    s.nodes.map((n) => n.id),
  );
  s.topics[name] = {
    id: topicId(clusterId, name),
    configs,
    partitions: replicas.map((r) => {
      const isr = r.filter((id) => alive.has(id));
      return { replicas: r, leader: isr[0] ?? -1, leaderEpoch: 0, isr: isr.length ? isr : [r[0]!] };
    }),
  };
  return true;
}

/**
 * A node died (or came back as a new incarnation, with an empty log): out of every ISR — except
 * as the last member, which Kafka keeps so that it alone may lead again — and its partitions get
 * a new leader from the ISR.
 */
export function nodeDown(s: ClusterState, id: number, cfg: ControllerConfig): void {
  const n = s.nodes.find((x) => x.id === id);
  if (n) n.alive = false;
  const alive = aliveSet(s);
  for (const t of Object.values(s.topics))
    for (const p of t.partitions) {
      if (p.isr.includes(id) && p.isr.length > 1) p.isr = p.isr.filter((r) => r !== id);
      if (p.leader === id || p.leader < 0) elect(p, alive, unclean(t, cfg));
    }
}

/**
 * A node is alive. A new incarnation lost its log: it leaves every ISR (a sole member too),
 * and catches up as a follower before its leader adds it back.
 */
export function nodeUp(s: ClusterState, id: number, incarnation: string, cfg: ControllerConfig): void {
  const n = s.nodes.find((x) => x.id === id);
  if (!n) return;
  const fresh = n.incarnation !== incarnation;
  n.alive = true;
  n.incarnation = incarnation;
  const alive = aliveSet(s);
  for (const t of Object.values(s.topics))
    for (const p of t.partitions) {
      if (fresh && p.isr.includes(id)) {
        p.isr = p.isr.filter((r) => r !== id);
        if (p.leader === id) p.leader = -1;
        if (p.isr.length === 0) p.isr = p.leader >= 0 ? [p.leader] : [];
      }
      if (p.leader < 0) elect(p, alive, unclean(t, cfg));
    }
}

/** a leader's request to shrink or expand its ISR (Kafka's AlterPartition), checked against the epoch */
export function alterIsr(
  s: ClusterState,
  from: number,
  topic: string,
  partition: number,
  leaderEpoch: number,
  isr: number[],
): boolean {
  const p = s.topics[topic]?.partitions[partition];
  if (!p || p.leader !== from || p.leaderEpoch !== leaderEpoch) return false;
  const alive = aliveSet(s);
  const next = isr.filter((id) => p.replicas.includes(id) && (alive.has(id) || id === from));
  if (!next.includes(from)) next.unshift(from);
  if (next.length === p.isr.length && next.every((id) => p.isr.includes(id))) return false;
  p.isr = next;
  return true;
}

/**
 * Controlled shutdown: the node leads nothing it can hand to another ISR member, and leaves the
 * ISRs that keep another member (as Kafka's controlled shutdown does).
 */
export function shutdownNode(s: ClusterState, id: number): void {
  const alive = aliveSet(s);
  alive.delete(id);
  for (const t of Object.values(s.topics))
    for (const p of t.partitions) {
      const others = p.isr.filter((r) => r !== id && alive.has(r));
      if (others.length === 0) continue;
      p.isr = p.isr.filter((r) => r !== id);
      if (p.leader === id) elect(p, alive, false);
    }
}
