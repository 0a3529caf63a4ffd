/**
 * One node of a replicated cluster, in its own OS process: a Kafka listener over its own Cluster
 * state (its own logs, groups and producer ids), the control mesh to the other nodes, its
 * replicas, and — on whichever node is controller — the controller.
 *
 * Controller: the lowest-id live node takes over when no controller is alive (in its view), with
 * a controller epoch above any seen; nodes apply only states of the newest controller. It reacts
 * to nodes dying or returning, to ISR changes leaders ask for, to topic creation and to controlled
 * shutdowns, and sends the whole state to every node after each change.
 *
 * A node holds its clients (connections accepted, not read) until it has applied a controller's
 * state, received or its own as controller: before that its topic list is empty, and a restarted
 * node would tell clients an existing topic is unknown, or auto-create it on its own.
 */
import { listenerSecurity, type SecurityOptions } from '../auth/options.ts';
import { Cluster, type ClusterOptions, type NodeInfo } from '../cluster.ts';
import { type NodeCounters, snapshotListener } from '../listener-counters.ts';
import { NodeServer } from '../server.ts';
import { TopicError } from '../topics.ts';
import {
  alterIsr,
  type ClusterState,
  type ControllerConfig,
  createTopic,
  emptyState,
  nodeDown,
  nodeUp,
  shutdownNode,
} from './controller.ts';
import { Mesh, type PeerAddress } from './mesh.ts';
import { encodeCommits, OFFSETS_PARTITIONS, OFFSETS_TOPIC, offsetsPartitionFor } from './offsets-log.ts';
import { type ReplicaConfig, ReplicaManager } from './replica.ts';
import { TXN_PARTITIONS, TXN_TOPIC } from '../txn/txn-log.ts';
import { type ReplicatedTxns, startReplicatedTxns } from '../txn/replicated.ts';

export interface NodeConfig extends ReplicaConfig, ControllerConfig {
  id: number;
  incarnation: string;
  host: string;
  advertisedHost: string;
  port: number;
  controlPort: number;
  cluster: ClusterOptions;
  retentionCheckMs: number;
  heartbeatMs: number;
  sessionMs: number;
  /** the client listener's TLS/SASL/ACLs (startBroker's options); replicas then use an internal loopback listener */
  security?: SecurityOptions;
  /** the internal listener's port (0: any; kept across restarts) */
  replicaPort?: number;
}

export interface PeerInfo extends PeerAddress {
  port: number;
  /** the internal loopback listener replica fetches use when the client listener is secured */
  replicaPort?: number;
}

/** what a node tells its parent after each state it applies */
export interface NodeView {
  controller: number;
  controllerEpoch: number;
  alive: number[];
  /** per topic, the leader of each partition */
  leaders: Record<string, number[]>;
  isr: Record<string, number[][]>;
}

const LOOPBACK = '127.0.0.1';

export class ReplicaNode {
  readonly cluster: Cluster;
  readonly replicas: ReplicaManager;
  readonly mesh: Mesh;
  /** the transaction coordinator of the __transaction_state partitions this node leads */
  readonly txns: ReplicatedTxns;
  private readonly server: NodeServer;
  /** with a secured client listener: plaintext on loopback, for the other nodes' replica fetches */
  private readonly internal: NodeServer | undefined;
  private state: ClusterState = emptyState([]);
  private known = { controller: -1, controllerEpoch: 0 };
  private readonly startedAt = Date.now();
  private retention: NodeJS.Timeout | undefined;
  /** applied a controller's state (received, or its own as controller): its listeners serve from then on */
  private synced = false;
  onView: (v: NodeView) => void = () => {};

  constructor(readonly cfg: NodeConfig) {
    this.cluster = new Cluster(cfg.cluster);
    const info: NodeInfo = { id: cfg.id, bindHost: cfg.host, host: cfg.advertisedHost, port: cfg.port, alive: true };
    this.cluster.nodes.push(info);
    const security = listenerSecurity(cfg.security ?? {});
    this.server = new NodeServer(info, this.cluster, security);
    if (security.tls || security.sasl || security.acl)
      this.internal = new NodeServer(
        { ...info, bindHost: LOOPBACK, host: LOOPBACK, port: cfg.replicaPort ?? 0 },
        this.cluster,
      );
    // an empty topic list is not the cluster's: clients wait for the first state (apply())
    this.server.hold();
    this.internal?.hold();
    this.replicas = new ReplicaManager(this.cluster, cfg.id, cfg, (m) => this.toController(m));
    this.cluster.replication = this.replicas;
    // producer ids unique across nodes and restarts: time-based start, one residue per node
    this.cluster.producers.allocateFrom(Date.now() * 1000 + cfg.id, 16);
    this.mesh = new Mesh(cfg.id, cfg.incarnation, cfg, {
      message: (from, msg) => this.onMessage(from, msg),
      peer: (id, alive, inc) => this.onPeer(id, alive, inc),
      connected: (id) => {
        if (this.isController) this.mesh.send(id, { t: 'state', state: this.state });
      },
    });
    this.mesh.beat = () => ({ controller: this.state.controller, controllerEpoch: this.state.controllerEpoch });
    this.txns = startReplicatedTxns(this.cluster, this.replicas, (id, m) => this.mesh.send(id, m), {
      topic: OFFSETS_TOPIC,
      partitionFor: offsetsPartitionFor,
      encode: encodeCommits,
    });
  }

  get isController(): boolean {
    return this.state.controller === this.cfg.id;
  }

  async start(): Promise<{ port: number; controlPort: number; replicaPort?: number }> {
    await this.server.start();
    await this.internal?.start();
    // secured: the control mesh, unauthenticated, stays on loopback too
    const controlPort = await this.mesh.listen(this.internal ? LOOPBACK : this.cfg.host, this.cfg.controlPort);
    if (this.cfg.retentionCheckMs > 0) {
      this.retention = setInterval(() => this.cluster.enforceRetention(), this.cfg.retentionCheckMs);
      this.retention.unref();
    }
    return {
      port: this.server.info.port,
      controlPort,
      ...(this.internal ? { replicaPort: this.internal.info.port } : {}),
    };
  }

  setPeers(peers: PeerInfo[]): void {
    if (this.state.nodes.length === 0)
      this.state = emptyState(
        peers.map((p) => ({ id: p.id, host: p.host, port: p.port, alive: p.id === this.cfg.id, incarnation: '' })),
      );
    this.mesh.setPeers(peers);
    for (const p of peers)
      if (p.replicaPort) this.replicas.replicaAddresses.set(p.id, { host: LOOPBACK, port: p.replicaPort });
    const t = setInterval(() => this.maybeTakeOver(), this.cfg.heartbeatMs);
    t.unref();
  }

  private toController(msg: object): void {
    const m = msg as Record<string, unknown>;
    if (this.isController) this.onMessage(this.cfg.id, m);
    else if (this.state.controller >= 0) this.mesh.send(this.state.controller, m);
  }

  private onMessage(from: number, m: Record<string, unknown>): void {
    if (m.t === 'hb') {
      const epoch = m.controllerEpoch as number;
      if (epoch > this.known.controllerEpoch)
        this.known = { controller: m.controller as number, controllerEpoch: epoch };
      return;
    }
    if (m.t === 'state') {
      this.onState(m.state as ClusterState);
      return;
    }
    if (this.txns.markers.onMessage(from, m)) return;
    if (!this.isController) return;
    const s = this.state;
    let changed = false;
    if (m.t === 'isr')
      changed = alterIsr(s, from, m.topic as string, m.partition as number, m.leaderEpoch as number, m.isr as number[]);
    else if (m.t === 'create')
      changed = createTopic(
        s,
        this.cluster.clusterId,
        m.name as string,
        m.partitions as number,
        m.rf as number,
        m.configs as Record<string, string>,
      );
    else if (m.t === 'shutdown') {
      shutdownNode(s, from);
      changed = true;
    }
    if (changed) this.publish();
  }

  private onState(s: ClusterState): void {
    const cur = this.state;
    const newer =
      s.controllerEpoch > cur.controllerEpoch ||
      (s.controllerEpoch === cur.controllerEpoch &&
        (s.controller < cur.controller || (s.controller === cur.controller && s.version > cur.version)));
    if (!newer) return;
    this.state = s;
    if (s.controllerEpoch > this.known.controllerEpoch)
      this.known = { controller: s.controller, controllerEpoch: s.controllerEpoch };
    this.apply();
  }

  private onPeer(id: number, alive: boolean, incarnation: string): void {
    if (this.isController) {
      if (alive) nodeUp(this.state, id, incarnation, this.cfg);
      else nodeDown(this.state, id, this.cfg);
      this.publish();
      if (alive) this.mesh.send(id, { t: 'state', state: this.state });
    }
    this.maybeTakeOver();
  }

  /** no live controller in this node's view, and this node is the lowest live id: it takes over */
  private maybeTakeOver(): void {
    const s = this.state;
    if (s.nodes.length === 0 || this.isController) return;
    if (s.controller >= 0 && this.mesh.alive(s.controller)) return;
    if (this.known.controllerEpoch > s.controllerEpoch && this.mesh.alive(this.known.controller)) return;
    if (!this.mesh.complete && Date.now() - this.startedAt < this.cfg.sessionMs) return;
    const lowest = Math.min(...s.nodes.map((n) => n.id).filter((id) => this.mesh.alive(id)));
    if (lowest !== this.cfg.id) return;
    s.controller = this.cfg.id;
    s.controllerEpoch = Math.max(s.controllerEpoch, this.known.controllerEpoch) + 1;
    s.version = 0;
    for (const n of s.nodes) {
      if (this.mesh.alive(n.id)) nodeUp(s, n.id, this.mesh.incarnationOf(n.id), this.cfg);
      else nodeDown(s, n.id, this.cfg);
    }
    // groups' committed offsets live in an ordinary replicated topic (offsets-log.ts)
    const rf = Math.min(3, s.nodes.length);
    createTopic(s, this.cluster.clusterId, OFFSETS_TOPIC, OFFSETS_PARTITIONS, rf, { 'min.insync.replicas': '1' });
    // and transactions' states in another (txn-log.ts)
    createTopic(s, this.cluster.clusterId, TXN_TOPIC, TXN_PARTITIONS, rf, { 'min.insync.replicas': '1' });
    this.publish();
  }

  private publish(): void {
    this.state.version++;
    this.mesh.broadcast({ t: 'state', state: this.state });
    this.apply();
  }

  private apply(): void {
    this.replicas.applyState(structuredClone(this.state));
    if (!this.synced) {
      this.synced = true;
      this.server.open();
      this.internal?.open();
    }
    const s = this.state;
    this.onView({
      controller: s.controller,
      controllerEpoch: s.controllerEpoch,
      alive: s.nodes.filter((n) => n.alive).map((n) => n.id),
      leaders: Object.fromEntries(Object.entries(s.topics).map(([k, t]) => [k, t.partitions.map((p) => p.leader)])),
      isr: Object.fromEntries(Object.entries(s.topics).map(([k, t]) => [k, t.partitions.map((p) => p.isr)])),
    });
  }

  /** this process's listener and request counters (the internal replica listener's included) */
  counters(): NodeCounters {
    const c = this.cluster.counters;
    return {
      id: this.cfg.id,
      pid: process.pid,
      listener: snapshotListener(c.listener),
      malformedFrames: c.malformedFrames,
      internalErrors: c.internalErrors,
      lastInternalError: c.lastInternalError,
      requests: Object.fromEntries(c.requests),
    };
  }

  /** creates a topic (through the controller); returns an error message, or undefined */
  createTopic(name: string, spec: Parameters<Cluster['createTopic']>[1]): string | undefined {
    try {
      this.cluster.createTopic(name, spec);
      return undefined;
    } catch (e) {
      if (e instanceof TopicError) return e.message;
      throw e;
    }
  }

  /** controlled shutdown: hand leadership over, then stop */
  async shutdown(): Promise<void> {
    if (this.state.controller >= 0) {
      this.toController({ t: 'shutdown' });
      const deadline = Date.now() + 3000;
      while (Date.now() < deadline && this.leadsAny()) await new Promise((r) => setTimeout(r, 20));
    }
    await this.close();
  }

  private leadsAny(): boolean {
    for (const t of Object.values(this.state.topics))
      for (const p of t.partitions) if (p.leader === this.cfg.id && p.isr.length > 1) return true;
    return false;
  }

  async close(): Promise<void> {
    if (this.retention) clearInterval(this.retention);
    this.txns.close();
    this.replicas.close();
    this.cluster.close();
    await this.mesh.close();
    await this.server.stop();
    await this.internal?.stop();
  }
}
