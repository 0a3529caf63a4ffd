/**
 * The parent side of a replicated cluster: forks one OS process per node (node-main.ts under the
 * tsx loader, found from this file whether it runs from the sources or from dist/bundle.cjs of an
 * installed package), hands every node its peers, and keeps a handle per node to kill (SIGKILL),
 * stop (SIGTERM: controlled shutdown), pause (SIGSTOP), resume (SIGCONT) and restart it on the
 * same ports. Each node reports the controller's state it applied; the latest one answers
 * "who leads partition p", "who is controller" and "is the ISR full".
 */
import { type ChildProcess, fork } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { PipelabError } from '../../errors.ts';
import type { SecurityOptions } from '../auth/options.ts';
import type { ClusterOptions, TopicSpec } from '../cluster.ts';
import { type ListenerCounters, newListenerCounters, type NodeCounters } from '../listener-counters.ts';
import type { NodeConfig, NodeView, PeerInfo } from './node.ts';
import type { NodeAddress, ReplicatedOptions } from './options.ts';

export interface ReplicationOptions {
  brokers: number;
  host: string;
  advertisedHost: string;
  port: number;
  cluster: ClusterOptions;
  retentionCheckMs: number;
  minInsyncReplicas: number;
  uncleanLeaderElection: boolean;
  replicaLagMs: number;
  nodeHeartbeatMs: number;
  nodeSessionMs: number;
  advertise?: ReplicatedOptions['advertise'];
  /** TLS/SASL/ACLs of every node's client listener (replicas and control stay on loopback, plaintext) */
  security?: SecurityOptions;
}

export type NodeStatus = 'running' | 'paused' | 'stopped';

/** one node process of a replicated cluster */
export interface BrokerNode {
  readonly id: number;
  /** pid of the node's current process (the last one, once stopped) */
  readonly pid: number;
  readonly host: string;
  /** the port it listens on */
  readonly port: number;
  /** the address it advertises (a fault proxy's with the `advertise` option; else host:port) */
  readonly advertised: NodeAddress;
  readonly status: NodeStatus;
  /** SIGKILL: a crash, nothing handed over; resolves when the process is gone */
  kill(): Promise<void>;
  /** SIGTERM: a controlled shutdown (leadership moves first); resolves when the process is gone */
  stop(): Promise<void>;
  /** SIGSTOP: the process freezes; peers notice by missed heartbeats */
  pause(): void;
  /** SIGCONT */
  resume(): void;
  /** starts the node again on the same ports (after a hard kill if it still runs); an empty log */
  restart(): Promise<void>;
}

export interface ClusterView extends NodeView {
  version: number;
}

export interface ReplicatedCluster {
  readonly nodes: BrokerNode[];
  /** the node with this id (a PipelabError names the valid ids) */
  node(id: number): BrokerNode;
  bootstrap(): string[];
  /** the newest controller state any running node reported */
  view(): ClusterView | undefined;
  /** resolves when `pred` holds for the newest view (rejects after timeoutMs) */
  until(pred: (v: ClusterView) => boolean, timeoutMs?: number): Promise<void>;
  createTopic(name: string, spec: TopicSpec): Promise<void>;
  /** each running node's counters, asked now (frames handled and rejected by reason, requests, errors) */
  counters(): Promise<NodeCounters[]>;
  /**
   * node states, topics and partitions from the view; the counters summed over what each running
   * node last reported (every second, or when counters() asked), since its process started
   */
  stats(): { nodes: Array<{ id: number; host: string; port: number; alive: boolean; connections: number }> } & {
    topics: number;
    partitions: number;
  } & Omit<NodeCounters, 'id' | 'pid'>;
  close(): Promise<void>;
}

/** the Broker handle (broker/index.ts) of a replicated cluster: calls needing the shared state refuse */
export function replicatedHandle<S, R extends { close(): Promise<void> }>(
  c: ReplicatedCluster,
  clusterId: string,
  stats: () => S,
  schemaRegistry: R | undefined,
) {
  const inProcessOnly = (what: string) => (): never => {
    throw new PipelabError('INVALID_ARGUMENT', `${what} needs the in-process cluster`, {
      hint: 'start the broker with processes: false for lag(), control(), enforceRetention() and compact()',
    });
  };
  return {
    get bootstrap() {
      return c.bootstrap();
    },
    clusterId,
    createTopic: (name: string, spec?: TopicSpec) => c.createTopic(name, spec ?? {}),
    deleteTopic: inProcessOnly('deleteTopic()'),
    lag: inProcessOnly('lag()'),
    stats,
    stopBroker: (id: number) => c.node(id).stop(),
    startBroker: async (id: number) => {
      if (c.node(id).status === 'stopped') await c.node(id).restart();
    },
    control: inProcessOnly('control()'),
    enforceRetention: inProcessOnly('enforceRetention()'),
    compact: inProcessOnly('compact()'),
    schemaRegistry,
    close: async () => {
      await Promise.all([c.close(), schemaRegistry?.close()]);
    },
    nodes: c.nodes as readonly BrokerNode[],
    replication: { view: () => c.view(), until: c.until.bind(c), counters: () => c.counters() },
  };
}

/** broker/replication/node-main.ts from the sources or from dist/ of an installed package */
function nodeMain(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const f = join(dir, 'broker', 'replication', 'node-main.ts');
    if (existsSync(f)) return f;
    const up = dirname(dir);
    if (up === dir) throw new Error('broker/replication/node-main.ts not found beside the pipelab package');
    dir = up;
  }
}

const newer = (a: ClusterView, b: ClusterView | undefined) =>
  !b || a.controllerEpoch > b.controllerEpoch || (a.controllerEpoch === b.controllerEpoch && a.version > b.version);

class NodeProc implements BrokerNode {
  child: ChildProcess | undefined;
  pid = 0;
  port: number;
  controlPort = 0;
  replicaPort = 0;
  status: NodeStatus = 'stopped';
  view: ClusterView | undefined;
  /** what the current process last reported */
  reported: NodeCounters | undefined;
  private address: NodeAddress | undefined;
  private exited: Promise<void> = Promise.resolve();
  private readonly replies = new Map<number, (error: string | undefined) => void>();
  private readonly asked = new Map<number, (c: NodeCounters | undefined) => void>();
  private req = 0;

  constructor(
    readonly id: number,
    readonly host: string,
    private readonly owner: Spawned,
  ) {
    this.port = owner.o.port === 0 ? 0 : owner.o.port + id;
  }

  async launch(): Promise<void> {
    const o = this.owner.o;
    const cfg: NodeConfig = {
      id: this.id,
      incarnation: randomUUID(),
      host: o.host,
      advertisedHost: o.advertisedHost,
      port: this.port,
      controlPort: this.controlPort,
      cluster: o.cluster,
      retentionCheckMs: o.retentionCheckMs,
      minInsyncReplicas: o.minInsyncReplicas,
      uncleanElection: o.uncleanLeaderElection,
      replicaLagMs: o.replicaLagMs,
      heartbeatMs: o.nodeHeartbeatMs,
      sessionMs: o.nodeSessionMs,
      ...(o.security ? { security: o.security, replicaPort: this.replicaPort } : {}),
    };
    const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
    const child = fork(nodeMain(), [], {
      execArgv: ['--import', tsx],
      env: { ...process.env, PIPELAB_BROKER_NODE: JSON.stringify(cfg) },
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    });
    this.child = child;
    this.pid = child.pid ?? 0;
    this.view = undefined;
    this.reported = undefined;
    this.exited = new Promise((res) =>
      child.once('exit', () => {
        if (this.child === child) this.status = 'stopped';
        for (const ask of this.asked.values()) ask(this.reported);
        this.asked.clear();
        res();
      }),
    );
    const ready = new Promise<void>((resolve, reject) => {
      child.once('exit', (code) => reject(new Error(`broker node ${this.id} exited (${code}) before it listened`)));
      child.on(
        'message',
        (m: { t: string; port?: number; controlPort?: number; replicaPort?: number; view?: ClusterView }) => {
          if (m.t === 'ready') {
            this.port = m.port!;
            this.controlPort = m.controlPort!;
            this.replicaPort = m.replicaPort ?? 0;
            this.status = 'running';
            this.advertiseOnce().then(resolve, reject);
          } else if (m.t === 'view') {
            this.view = m.view;
            this.owner.onView();
          } else if (m.t === 'counters') {
            const r = m as unknown as { req?: number; counters: NodeCounters };
            this.reported = r.counters;
            if (r.req === undefined) return;
            this.asked.get(r.req)?.(r.counters);
            this.asked.delete(r.req);
          } else if (m.t === 'created') {
            const r = m as unknown as { req: number; error?: string };
            this.replies.get(r.req)?.(r.error);
            this.replies.delete(r.req);
          }
        },
      );
    });
    await ready;
  }

  get advertised(): NodeAddress {
    return this.address ?? { host: this.host, port: this.port };
  }

  /** the first start asks the `advertise` option where this node is to be reached (a restart keeps its ports) */
  private async advertiseOnce(): Promise<void> {
    const fn = this.owner.o.advertise;
    if (fn && !this.address) this.address = await fn(this.id, { host: this.host, port: this.port });
  }

  peers(list: PeerInfo[]): void {
    this.child?.send({ t: 'peers', peers: list });
  }

  create(name: string, spec: TopicSpec): Promise<string | undefined> {
    const req = ++this.req;
    return new Promise((res) => {
      this.replies.set(req, res);
      this.child?.send({ t: 'create', req, name, spec });
    });
  }

  /** the process's counters now (its last report, if it exits first) */
  counters(): Promise<NodeCounters | undefined> {
    if (this.status === 'stopped' || !this.child) return Promise.resolve(undefined);
    const req = ++this.req;
    return new Promise((res) => {
      this.asked.set(req, res);
      this.child?.send({ t: 'counters', req });
    });
  }

  private async signal(sig: NodeJS.Signals): Promise<void> {
    if (this.status === 'stopped' || !this.child) return;
    if (sig === 'SIGTERM' && this.status === 'paused') this.child.kill('SIGCONT');
    this.child.kill(sig);
    await this.exited;
  }

  kill(): Promise<void> {
    return this.signal('SIGKILL');
  }
  stop(): Promise<void> {
    return this.signal('SIGTERM');
  }
  pause(): void {
    if (this.status !== 'running') return;
    this.child?.kill('SIGSTOP');
    this.status = 'paused';
  }
  resume(): void {
    if (this.status !== 'paused') return;
    this.child?.kill('SIGCONT');
    this.status = 'running';
  }
  async restart(): Promise<void> {
    await this.kill();
    await this.launch();
    this.peers(this.owner.peerList());
    await this.owner.until((v) => v.alive.includes(this.id) && this.view !== undefined, 30_000);
  }
}

class Spawned implements ReplicatedCluster {
  readonly nodes: NodeProc[];
  private waiters = new Set<() => void>();

  constructor(readonly o: ReplicationOptions) {
    this.nodes = Array.from({ length: o.brokers }, (_, id) => new NodeProc(id, o.advertisedHost, this));
  }

  node(id: number): NodeProc {
    const n = this.nodes[id];
    if (!n)
      throw new PipelabError('INVALID_ARGUMENT', `no broker node ${id}`, {
        hint: `node ids are 0..${this.nodes.length - 1}`,
      });
    return n;
  }

  peerList(): PeerInfo[] {
    // peers reach each other's Kafka listener where it is advertised (through a fault proxy too); control is direct
    // secured: replica fetches and control go to the nodes' loopback listeners (never through a proxy)
    const secured = this.o.security !== undefined;
    return this.nodes.map((n) => ({
      id: n.id,
      ...n.advertised,
      controlPort: n.controlPort,
      controlHost: secured ? '127.0.0.1' : n.host,
      ...(secured ? { replicaPort: n.replicaPort } : {}),
    }));
  }

  bootstrap(): string[] {
    return this.nodes.filter((n) => n.status !== 'stopped').map((n) => `${n.advertised.host}:${n.advertised.port}`);
  }

  view(): ClusterView | undefined {
    let best: ClusterView | undefined;
    for (const n of this.nodes) if (n.status === 'running' && n.view && newer(n.view, best)) best = n.view;
    return best;
  }

  onView(): void {
    for (const w of [...this.waiters]) w();
  }

  until(pred: (v: ClusterView) => boolean, timeoutMs = 30_000): Promise<void> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const v = this.view();
        if (!v || !pred(v)) return;
        this.waiters.delete(check);
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        this.waiters.delete(check);
        reject(new Error(`replicated cluster: condition not reached in ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiters.add(check);
      check();
    });
  }

  async createTopic(name: string, spec: TopicSpec): Promise<void> {
    const to = this.nodes.find((n) => n.status === 'running' && n.id === this.view()?.controller) ?? this.nodes[0]!;
    const error = await to.create(name, spec);
    if (error) throw new Error(error);
    if (spec.validateOnly) return;
    await this.until((v) => (v.leaders[name] ?? []).length > 0 && v.leaders[name]!.every((l) => l >= 0));
    const running = () => this.nodes.filter((n) => n.status === 'running');
    await this.until(() => running().every((n) => n.view?.leaders[name] !== undefined));
  }

  async counters(): Promise<NodeCounters[]> {
    const all = await Promise.all(this.nodes.map((n) => n.counters()));
    return all.filter((c): c is NodeCounters => c !== undefined);
  }

  /** internal topics (__consumer_offsets) left out, as Kafka's tools list topics by default */
  stats() {
    const leaders = Object.entries(this.view()?.leaders ?? {})
      .filter(([name]) => !name.startsWith('__'))
      .map(([, l]) => l);
    return {
      nodes: this.nodes.map((n) => ({
        id: n.id,
        host: n.host,
        port: n.port,
        alive: n.status === 'running',
        connections: 0,
      })),
      topics: leaders.length,
      partitions: leaders.flat().length,
      ...sumCounters(this.nodes.filter((n) => n.status !== 'stopped').map((n) => n.reported)),
    };
  }

  async close(): Promise<void> {
    await Promise.all(this.nodes.map((n) => n.kill()));
  }
}

function sumCounters(all: Array<NodeCounters | undefined>): Omit<NodeCounters, 'id' | 'pid'> {
  const listener: ListenerCounters = newListenerCounters();
  const out = {
    listener,
    malformedFrames: 0,
    internalErrors: 0,
    lastInternalError: '',
    requests: {} as Record<string, number>,
  };
  for (const c of all) {
    if (!c) continue;
    const l = c.listener;
    listener.connections += l.connections;
    listener.frames += l.frames;
    listener.handled += l.handled;
    listener.incomplete += l.incomplete;
    for (const k of Object.keys(l.rejected) as Array<keyof typeof l.rejected>) listener.rejected[k] += l.rejected[k];
    out.malformedFrames += c.malformedFrames;
    out.internalErrors += c.internalErrors;
    if (c.lastInternalError) out.lastInternalError = `node ${c.id}: ${c.lastInternalError}`;
    for (const [k, v] of Object.entries(c.requests)) out.requests[k] = (out.requests[k] ?? 0) + v;
  }
  return out;
}

export async function spawnCluster(o: ReplicationOptions): Promise<ReplicatedCluster> {
  const c = new Spawned(o);
  try {
    await Promise.all(c.nodes.map((n) => n.launch()));
    const peers = c.peerList();
    for (const n of c.nodes) n.peers(peers);
    await c.until((v) => v.controller >= 0 && v.alive.length === o.brokers);
  } catch (e) {
    await c.close();
    throw e;
  }
  return c;
}
