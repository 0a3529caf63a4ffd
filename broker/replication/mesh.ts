/**
 * The nodes' control channel: every node keeps one TCP connection to every other node's control
 * port and writes newline-delimited JSON on it (its own internal RPC, not the Kafka protocol):
 *
 *   hello {id, incarnation}              first line on every connection
 *   hb {controller, controllerEpoch}     every heartbeatMs
 *   state {state}                        controller → every node: the whole ClusterState
 *   isr {topic, partition, leaderEpoch, isr}   leader → controller (Kafka's AlterPartition)
 *   create {name, partitions, rf, configs}     any node → controller (CreateTopics, auto-create)
 *   shutdown {}                          a node stopping cleanly → controller (controlled shutdown)
 *
 * A peer is alive while its connection to us is open and it was heard from within sessionMs:
 * a killed process closes its sockets at once, a paused one (SIGSTOP) goes silent.
 */
import net from 'node:net';

export interface PeerAddress {
  id: number;
  host: string;
  controlPort: number;
  /** where the control port listens when the Kafka address (host) is advertised elsewhere */
  controlHost?: string;
}

export interface MeshEvents {
  message(from: number, msg: Record<string, unknown>): void;
  /** a peer became alive (with its incarnation) or dead */
  peer(id: number, alive: boolean, incarnation: string): void;
  /** our connection to a peer opened (a restarted peer may have missed what was broadcast) */
  connected(id: number): void;
}

interface Peer {
  addr: PeerAddress;
  out: net.Socket | undefined;
  connected: boolean;
  in: net.Socket | undefined;
  lastHeard: number;
  incarnation: string;
  alive: boolean;
}

function lines(socket: net.Socket, each: (msg: Record<string, unknown>) => void): void {
  let buf = '';
  socket.setEncoding('utf8');
  socket.on('data', (d: string) => {
    buf += d;
    let i = buf.indexOf('\n');
    while (i >= 0) {
      const line = buf.slice(0, i);
      buf = buf.slice(i + 1);
      let msg: Record<string, unknown> | undefined;
      try {
        msg = JSON.parse(line) as Record<string, unknown>;
      } catch {
        socket.destroy();
        return;
      }
      each(msg);
      i = buf.indexOf('\n');
    }
  });
}

export class Mesh {
  private server: net.Server | undefined;
  private readonly peers = new Map<number, Peer>();
  private hbTimer: NodeJS.Timeout | undefined;
  private lastCheck = Date.now();
  private closed = false;
  /** what every heartbeat carries */
  beat: () => Record<string, unknown> = () => ({});

  constructor(
    readonly me: number,
    readonly incarnation: string,
    private readonly timing: { heartbeatMs: number; sessionMs: number },
    private readonly events: MeshEvents,
  ) {}

  async listen(host: string, port: number): Promise<number> {
    const server = net.createServer((s) => this.accept(s));
    server.on('error', () => {});
    await new Promise<void>((res, rej) => {
      server.once('error', rej);
      server.listen(port, host, () => res());
    });
    this.server = server;
    return (server.address() as net.AddressInfo).port;
  }

  setPeers(list: PeerAddress[]): void {
    for (const addr of list) {
      if (addr.id === this.me || this.peers.has(addr.id)) continue;
      const peer: Peer = {
        addr,
        out: undefined,
        connected: false,
        in: undefined,
        lastHeard: 0,
        incarnation: '',
        alive: false,
      };
      this.peers.set(addr.id, peer);
      this.connect(peer);
    }
    this.hbTimer ??= setInterval(() => this.tick(), this.timing.heartbeatMs);
  }

  alive(id: number): boolean {
    return id === this.me || this.peers.get(id)?.alive === true;
  }

  /** heard from every peer at least once */
  get complete(): boolean {
    return [...this.peers.values()].every((p) => p.lastHeard > 0);
  }

  incarnationOf(id: number): string {
    return id === this.me ? this.incarnation : (this.peers.get(id)?.incarnation ?? '');
  }

  send(id: number, msg: Record<string, unknown>): void {
    const p = this.peers.get(id);
    if (p?.connected) p.out!.write(`${JSON.stringify(msg)}\n`);
  }

  broadcast(msg: Record<string, unknown>): void {
    const line = `${JSON.stringify(msg)}\n`;
    for (const p of this.peers.values()) if (p.connected) p.out!.write(line);
  }

  private connect(peer: Peer): void {
    if (this.closed) return;
    const s = net.connect({ host: peer.addr.controlHost ?? peer.addr.host, port: peer.addr.controlPort });
    peer.out = s;
    s.setNoDelay(true);
    s.on('connect', () => {
      peer.connected = true;
      s.write(`${JSON.stringify({ t: 'hello', id: this.me, incarnation: this.incarnation })}\n`);
      s.write(`${JSON.stringify({ t: 'hb', ...this.beat() })}\n`);
      this.events.connected(peer.addr.id);
    });
    s.on('data', () => {});
    s.on('error', () => {});
    s.on('close', () => {
      peer.connected = false;
      if (peer.out === s) peer.out = undefined;
      setTimeout(() => this.connect(peer), 100).unref();
    });
  }

  private accept(s: net.Socket): void {
    let peer: Peer | undefined;
    s.setNoDelay(true);
    s.on('error', () => {});
    lines(s, (msg) => {
      if (msg.t === 'hello') {
        peer = this.peers.get(msg.id as number);
        if (!peer) return s.destroy();
        if (peer.in && peer.in !== s) peer.in.destroy();
        peer.in = s;
        const inc = String(msg.incarnation);
        if (peer.alive && peer.incarnation !== inc) this.mark(peer, false);
        peer.incarnation = inc;
      }
      if (!peer) return;
      peer.lastHeard = Date.now();
      if (!peer.alive) this.mark(peer, true);
      if (msg.t !== 'hello') this.events.message(peer.addr.id, msg);
    });
    s.on('close', () => {
      if (peer && peer.in === s) {
        peer.in = undefined;
        if (peer.alive) this.mark(peer, false);
      }
    });
  }

  private mark(peer: Peer, alive: boolean): void {
    peer.alive = alive;
    this.events.peer(peer.addr.id, alive, peer.incarnation);
  }

  private tick(): void {
    const now = Date.now();
    const late = now - this.lastCheck > this.timing.sessionMs;
    this.lastCheck = now;
    this.broadcast({ t: 'hb', ...this.beat() });
    // after a pause (SIGSTOP) of this process, read what the peers sent meanwhile before judging them
    if (late) return;
    for (const p of this.peers.values()) if (p.alive && now - p.lastHeard > this.timing.sessionMs) this.mark(p, false);
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.hbTimer) clearInterval(this.hbTimer);
    for (const p of this.peers.values()) {
      p.out?.destroy();
      p.in?.destroy();
    }
    const s = this.server;
    if (s) await new Promise<void>((res) => s.close(() => res()));
  }
}
