/**
 * A TCP fault proxy on node:net, with toxiproxy's model: it listens on one address and forwards
 * each connection to an upstream `host:port`; toxics added while it runs act on the connections
 * already open and on new ones, each on its direction (upstream: client → service, downstream:
 * service → client) and for a share of the connections (toxicity). Disabled, it drops every open
 * connection and refuses new ones (toxiproxy's `enabled: false`, pipelab's `down`).
 */
import { createServer, connect, type Server, type Socket } from 'node:net';
import { Rng } from '../../generators/rng.ts';
import { PipelabError } from '../../errors.ts';
import { applyToxic, pace, sleep, type LinkState, type Toxic } from './toxics.ts';

export interface Address {
  host: string;
  port: number;
}

export interface ProxyStats {
  /** connections accepted and forwarded */
  accepted: number;
  /** connections refused or dropped while the proxy was down */
  refused: number;
  /** connections open now */
  open: number;
  /** connections closed by a toxic (timeout, reset_peer, limit_data) */
  cut: number;
  bytesUpstream: number;
  bytesDownstream: number;
}

const HIGH_WATER = 64;

/** one direction of one connection: reads `from`, passes each chunk through the toxics, writes `to` */
class Link implements LinkState {
  private readonly queue: Array<{ data: Buffer | null; at: number }> = [];
  private pumping = false;
  readonly passed = new Map<string, number>();

  constructor(
    readonly conn: Connection,
    readonly dir: 'upstream' | 'downstream',
    private readonly from: Socket,
    private readonly to: Socket,
    readonly rng: Rng,
  ) {
    from.on('data', (d: Buffer) => this.push(d));
    from.on('end', () => this.push(null));
  }

  limitReached = false;

  private push(data: Buffer | null): void {
    this.queue.push({ data, at: performance.now() });
    if (this.queue.length > HIGH_WATER) this.from.pause();
    if (!this.pumping) void this.pump();
  }

  private async pump(): Promise<void> {
    this.pumping = true;
    try {
      while (this.queue.length && !this.conn.closed) {
        const { data, at } = this.queue.shift()!;
        if (this.queue.length < HIGH_WATER / 4) this.from.resume();
        const toxics = this.conn.toxicsFor(this.dir);
        if (data === null) {
          const slow = toxics.find((t) => t.kind === 'slow_close');
          await sleep(slow?.attrs.delay ?? 0);
          this.to.end();
          continue;
        }
        let pieces = [data];
        for (const t of toxics) pieces = await applyToxic(t, pieces, at, this);
        await this.write(pieces, toxics);
        if (this.limitReached) this.conn.cut();
      }
    } finally {
      this.pumping = false;
    }
  }

  private async write(pieces: Buffer[], toxics: Toxic[]): Promise<void> {
    const bw = toxics.find((t) => t.kind === 'bandwidth');
    // bandwidth: at most 100 ms worth of bytes at a time, as toxiproxy does
    const max = bw ? Math.max(1, Math.floor((bw.attrs.rate ?? 1) * 100)) : Number.POSITIVE_INFINITY;
    for (const whole of pieces)
      for (let i = 0; i < whole.length; i += max) {
        const p = whole.subarray(i, i + max);
        if (this.conn.closed) return;
        this.conn.count(this.dir, p.length);
        if (!this.to.write(p)) await new Promise<void>((r) => this.to.once('drain', r).once('close', r));
        const wait = pace(toxics, p.length);
        if (wait > 0) await sleep(wait);
      }
  }
}

class Connection {
  /** no more forwarding */
  closed = false;
  /** sockets destroyed and the proxy told */
  private gone = false;
  private readonly applies = new Map<string, boolean>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly rng: Rng;

  constructor(
    private readonly proxy: FaultProxy,
    private readonly client: Socket,
    private readonly server: Socket,
    seed: number,
  ) {
    this.rng = new Rng(seed);
    new Link(this, 'upstream', client, server, this.rng.fork('up'));
    new Link(this, 'downstream', server, client, this.rng.fork('down'));
    // an error on either side drops both; a close waits for the other side (its link may still be writing)
    for (const s of [client, server]) {
      s.on('error', () => this.destroy());
      s.on('close', () => {
        if (client.destroyed && server.destroyed) this.destroy();
      });
    }
    for (const t of proxy.toxicList()) this.toxicAdded(t);
  }

  /** the active toxics of a direction that apply to this connection (decided once per toxic, by toxicity) */
  toxicsFor(dir: 'upstream' | 'downstream'): Toxic[] {
    return this.proxy.toxicList().filter((t) => t.stream === dir && this.applies.get(t.id) === true);
  }

  toxicAdded(t: Toxic): void {
    const on = t.toxicity >= 1 || this.rng.next() < t.toxicity;
    this.applies.set(t.id, on);
    if (!on) return;
    if (t.kind === 'timeout' && (t.attrs.timeout ?? 0) > 0)
      this.timers.set(
        t.id,
        setTimeout(() => this.cut(), t.attrs.timeout),
      );
    if (t.kind === 'reset_peer')
      this.timers.set(
        t.id,
        setTimeout(() => this.cut(true), t.attrs.timeout ?? 0),
      );
  }

  toxicRemoved(id: string): void {
    clearTimeout(this.timers.get(id));
    this.timers.delete(id);
  }

  count(dir: 'upstream' | 'downstream', n: number): void {
    this.proxy.counted(dir, n);
  }

  /** closed by a toxic: with a TCP reset (reset_peer), or a close after what was written (timeout, limit_data) */
  cut(reset = false): void {
    if (this.closed) return;
    this.proxy.stats.cut++;
    if (reset) {
      this.client.resetAndDestroy();
      this.server.resetAndDestroy();
      this.destroy();
      return;
    }
    this.closed = true;
    this.client.end();
    this.server.end();
    const t = setTimeout(() => this.destroy(), 2000);
    t.unref();
  }

  destroy(): void {
    if (this.gone) return;
    this.gone = true;
    this.closed = true;
    for (const t of this.timers.values()) clearTimeout(t);
    this.client.destroy();
    this.server.destroy();
    this.proxy.closed(this);
  }
}

export interface FaultProxyOptions {
  upstream: Address;
  /** where to listen (default 127.0.0.1 on a free port) */
  listen?: Partial<Address>;
  /** names the proxy in messages */
  name?: string;
  /** seeds the toxicity and jitter draws */
  seed?: number;
}

let toxicSeq = 0;

export class FaultProxy {
  readonly name: string;
  readonly upstream: Address;
  readonly stats: ProxyStats = { accepted: 0, refused: 0, open: 0, cut: 0, bytesUpstream: 0, bytesDownstream: 0 };
  private server: Server | undefined;
  private address: Address | undefined;
  private enabled = true;
  private readonly conns = new Set<Connection>();
  private readonly toxics = new Map<string, Toxic & { release(): void }>();
  private seq = 0;
  private readonly seed: number;

  constructor(private readonly o: FaultProxyOptions) {
    this.upstream = o.upstream;
    this.name = o.name ?? `${o.upstream.host}:${o.upstream.port}`;
    this.seed = o.seed ?? 1;
  }

  /** listen; resolves with the address clients should use instead of the upstream */
  async start(): Promise<Address> {
    // half-open on both sides: a client's FIN is passed on, and the answer can still flow back
    const server = createServer({ allowHalfOpen: true }, (c) => this.accept(c));
    const host = this.o.listen?.host ?? '127.0.0.1';
    await new Promise<void>((resolve, reject) => {
      server.once('error', (e: NodeJS.ErrnoException) =>
        reject(
          new PipelabError(
            'INVALID_ARGUMENT',
            `fault proxy ${this.name} cannot listen on ${host}:${this.o.listen?.port ?? 0} (${e.code ?? e.message})`,
            {
              hint:
                e.code === 'EADDRINUSE'
                  ? 'pick another listen port, or leave it out for a free one'
                  : 'check the listen address',
            },
          ),
        ),
      );
      server.listen(this.o.listen?.port ?? 0, host, () => resolve());
    });
    this.server = server;
    const a = server.address() as { port: number };
    this.address = { host, port: a.port };
    return this.address;
  }

  get listening(): Address {
    if (!this.address) throw new Error('the fault proxy is not started');
    return this.address;
  }

  private accept(client: Socket): void {
    if (!this.enabled) {
      this.stats.refused++;
      client.destroy();
      return;
    }
    client.setNoDelay(true);
    const server = connect({ host: this.upstream.host, port: this.upstream.port, allowHalfOpen: true });
    server.setNoDelay(true);
    this.stats.accepted++;
    this.stats.open++;
    this.conns.add(new Connection(this, client, server, this.seed + ++this.seq));
  }

  /** add a toxic (toxiproxy's attributes); returns its id for removeToxic */
  addToxic(t: Omit<Toxic, 'id' | 'removed'>): string {
    const id = `t${++toxicSeq}`;
    let release = () => {};
    const removed = new Promise<void>((r) => (release = r));
    const toxic = { ...t, id, removed, release };
    this.toxics.set(id, toxic);
    for (const c of this.conns) c.toxicAdded(toxic);
    return id;
  }

  removeToxic(id: string): void {
    const t = this.toxics.get(id);
    if (!t) return;
    this.toxics.delete(id);
    t.release();
    for (const c of this.conns) c.toxicRemoved(id);
  }

  toxicList(): Toxic[] {
    return [...this.toxics.values()];
  }

  /** down (false): every open connection dropped, new ones refused; up (true): forwarding again */
  setEnabled(on: boolean): void {
    this.enabled = on;
    if (!on)
      for (const c of [...this.conns]) {
        if (!c.closed) this.stats.refused++;
        c.destroy();
      }
  }

  get isEnabled(): boolean {
    return this.enabled;
  }

  /** @internal */
  counted(dir: 'upstream' | 'downstream', n: number): void {
    if (dir === 'upstream') this.stats.bytesUpstream += n;
    else this.stats.bytesDownstream += n;
  }

  /** @internal */
  closed(c: Connection): void {
    if (this.conns.delete(c)) this.stats.open--;
  }

  async close(): Promise<void> {
    for (const id of [...this.toxics.keys()]) this.removeToxic(id);
    for (const c of [...this.conns]) c.destroy();
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
    this.server = undefined;
  }
}
