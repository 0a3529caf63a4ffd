/**
 * One broker node's TCP listener. Per connection: frames are cut from the byte stream
 * (size INT32 + body), each request is handled as it arrives, and responses are written in
 * request order (kafka-python checks correlation ids). A malformed, unknown or oversized frame
 * closes that client's connection only; nothing a client sends can throw out of here.
 */
import type net from 'node:net';
import { ProtocolError, Reader } from './protocol/reader.ts';
import { API_VERSIONS_KEY, frameResponse, readRequestHeader } from './protocol/frame.ts';
import { apiVersionsBody } from './apis/18-api-versions.ts';
import { API_BY_KEY, APIS } from './apis/index.ts';
import type { ApiContext } from './apis/types.ts';
import type { Cluster, NodeInfo } from './cluster.ts';
import type { Writer } from './protocol/writer.ts';
import { createListener, type ListenerSecurity, sessionFor } from './auth/listener.ts';
import type { Session } from './auth/session.ts';
import type { RejectReason } from './listener-counters.ts';

/** a frame refused before its api's handler saw it, with the reason the listener counts */
class Refused extends ProtocolError {
  constructor(
    readonly reason: RejectReason,
    message: string,
  ) {
    super(message);
  }
}

/** runs a parse step whose ProtocolError refuses the frame for `reason` */
function refusing<T>(reason: RejectReason, parse: () => T): T {
  try {
    return parse();
  } catch (e) {
    throw e instanceof ProtocolError && !(e instanceof Refused) ? new Refused(reason, e.message) : e;
  }
}

interface Slot {
  done: boolean;
  out: Buffer[] | null;
}

/** exported for the fuzz test, which drives it through a fake socket */
export class Connection {
  private chunks: Buffer[] = [];
  private have = 0;
  private need = -1;
  private readonly slots: Slot[] = [];
  private gate: Promise<void> = Promise.resolve();
  private dead = false;
  /** the broker closed the connection (a refused frame, a bug, a stop), not the client */
  private closedHere = false;
  private readonly session: Session;

  constructor(
    private readonly socket: net.Socket,
    private readonly cluster: Cluster,
    private readonly node: NodeInfo,
    security: ListenerSecurity = {},
  ) {
    this.session = sessionFor(socket, security);
    socket.setNoDelay(true);
    socket.on('data', (chunk) => {
      try {
        this.onData(chunk);
      } catch (e) {
        this.fail(e);
      }
    });
    socket.on('error', () => {
      this.dead = true;
    });
    socket.on('close', () => {
      this.dead = true;
      if (this.closedHere) return;
      // the client left mid-frame: after its size field, or inside it
      const l = this.cluster.counters.listener;
      if (this.need >= 0 || this.have > 0) l.incomplete++;
      if (this.need < 0 && this.have > 0) l.frames++;
    });
    cluster.counters.listener.connections++;
  }

  private fail(e: unknown): void {
    // a client's bad bytes are counted once per connection (a handler may refuse a body after an
    // earlier frame closed it); anything else is a broker bug, kept for stats()
    if (e instanceof ProtocolError) {
      if (this.dead) return;
      this.cluster.counters.malformedFrames++;
      this.cluster.counters.listener.rejected[e instanceof Refused ? e.reason : 'body']++;
    } else {
      this.cluster.counters.internalErrors++;
      this.cluster.counters.lastInternalError = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
    }
    this.destroy();
  }

  private take(n: number): Buffer {
    const first = this.chunks[0]!;
    let out: Buffer;
    if (first.length >= n) {
      out = first.subarray(0, n);
      if (first.length === n) this.chunks.shift();
      else this.chunks[0] = first.subarray(n);
    } else {
      out = Buffer.allocUnsafe(n);
      let at = 0;
      while (at < n) {
        const c = this.chunks[0]!;
        const k = Math.min(c.length, n - at);
        c.copy(out, at, 0, k);
        at += k;
        if (k === c.length) this.chunks.shift();
        else this.chunks[0] = c.subarray(k);
      }
    }
    this.have -= n;
    return out;
  }

  private onData(chunk: Buffer): void {
    if (this.dead) return;
    this.chunks.push(chunk);
    this.have += chunk.length;
    for (;;) {
      if (this.need < 0) {
        if (this.have < 4) return;
        const size = this.take(4).readInt32BE(0);
        this.cluster.counters.listener.frames++;
        if (size < 8 || size > this.cluster.options.maxFrameBytes)
          throw new Refused('size', `frame size ${size} out of range`);
        this.need = size;
      }
      if (this.have < this.need) return;
      const frame = this.take(this.need);
      this.need = -1;
      this.onFrame(frame);
      if (this.dead) return;
    }
  }

  private onFrame(frame: Buffer): void {
    this.cluster.frameTap?.(frame);
    const r = new Reader(frame);
    const header = refusing('header', () => readRequestHeader(r));
    const api = API_BY_KEY.get(header.apiKey);
    if (!api) throw new Refused('apiKey', `unknown api key ${header.apiKey}`);
    // before SASL authentication only ApiVersions, SaslHandshake and SaslAuthenticate are served
    if (!this.session.allows(api.key)) {
      this.cluster.counters.listener.rejected.unauthenticated++;
      this.destroy();
      return;
    }
    const slot: Slot = { done: false, out: null };
    this.slots.push(slot);
    const c = this.cluster;
    c.counters.requests.set(api.name, (c.counters.requests.get(api.name) ?? 0) + 1);
    if (header.apiVersion < api.min || header.apiVersion > api.max) {
      if (header.apiKey !== API_VERSIONS_KEY)
        throw new Refused('apiVersion', `unsupported version ${header.apiVersion} of ${api.name}`);
      c.counters.listener.handled++;
      // a v0 body with UNSUPPORTED_VERSION and the full list: the client retries with a lower version
      this.finish(slot, frameResponse(header.correlationId, false, apiVersionsBody(APIS, 0, 35).toBuffers()));
      return;
    }
    const flexible = header.apiVersion >= api.flexibleFrom;
    if (flexible) refusing('header', () => r.tags());
    c.counters.listener.handled++;
    const ctx: ApiContext = {
      cluster: c,
      apis: APIS,
      node: this.node.id,
      header,
      version: header.apiVersion,
      clientHost: this.socket.remoteAddress ?? '',
      session: this.session,
    };
    const respond = (w: Writer | null) => {
      if (w === null) return this.finish(slot, null);
      const flexHeader = flexible && header.apiKey !== API_VERSIONS_KEY;
      this.finish(slot, frameResponse(header.correlationId, flexHeader, w.toBuffers()));
    };
    const run = (): void | Promise<void> => {
      const out = api.handle(r, ctx);
      if (out instanceof Promise) return out.then(respond);
      respond(out);
    };
    if (c.hooks.length === 0) {
      const p = run();
      if (p) p.catch((e) => this.fail(e));
      return;
    }
    // with hooks, requests on one connection start in arrival order even when a hook waits
    const info = {
      apiKey: api.key,
      apiName: api.name,
      apiVersion: header.apiVersion,
      correlationId: header.correlationId,
      clientId: header.clientId,
      node: this.node.id,
    };
    this.gate = this.gate
      .then(async () => {
        const action = await c.runHooks(info);
        if (action.delayMs) await new Promise((res) => setTimeout(res, action.delayMs));
        if (this.dead) return;
        if (action.close) {
          this.destroy();
          return;
        }
        if (action.drop) return;
        if (action.errorCode !== undefined) ctx.forcedError = action.errorCode;
        const p = run();
        if (p) p.catch((e) => this.fail(e));
      })
      .catch((e) => this.fail(e));
  }

  private finish(slot: Slot, out: Buffer[] | null): void {
    slot.done = true;
    slot.out = out;
    if (this.dead) return;
    if (this.slots[0] !== slot) return;
    let corked = false;
    while (this.slots.length > 0 && this.slots[0]!.done) {
      const s = this.slots.shift()!;
      if (!s.out) continue;
      if (!corked) {
        this.socket.cork();
        corked = true;
      }
      for (const b of s.out) this.socket.write(b);
    }
    if (corked) this.socket.uncork();
    if (this.session.closeAfterReply && this.slots.length === 0) {
      this.dead = true;
      this.closedHere = true;
      this.socket.end();
    }
  }

  destroy(): void {
    this.dead = true;
    this.closedHere = true;
    this.socket.destroy();
  }
}

export class NodeServer {
  private server: net.Server | undefined;
  private readonly conns = new Set<Connection>();
  /** hold(): connections accepted meanwhile, not read until open() */
  private held: net.Socket[] | undefined;

  constructor(
    readonly info: NodeInfo,
    private readonly cluster: Cluster,
    private readonly security: ListenerSecurity = {},
  ) {}

  get connections(): number {
    return this.conns.size;
  }

  /**
   * Until open(), connections are accepted but nothing they send is read: a replicated node
   * holds its clients until it has the controller's state (as Kafka enables request processing
   * only once a broker has caught up with the cluster's metadata), so none is told that an
   * existing topic is unknown. The port is bound meanwhile: clients wait instead of failing.
   */
  hold(): void {
    this.held ??= [];
  }

  open(): void {
    const held = this.held ?? [];
    this.held = undefined;
    for (const s of held) if (!s.destroyed) s.resume();
  }

  async start(): Promise<void> {
    const server = createListener(this.security, (socket) => {
      const held = this.held;
      if (held) {
        socket.pause();
        held.push(socket);
      }
      const conn = new Connection(socket, this.cluster, this.info, this.security);
      this.conns.add(conn);
      socket.on('close', () => {
        this.conns.delete(conn);
        const i = held?.indexOf(socket) ?? -1;
        if (i >= 0) held?.splice(i, 1);
      });
    });
    server.on('error', () => {
      /* per-socket errors are handled on the socket */
    });
    await new Promise<void>((resolve, reject) => {
      const onErr = (e: Error) => reject(e);
      server.once('error', onErr);
      server.listen(this.info.port, this.info.bindHost, () => {
        server.off('error', onErr);
        resolve();
      });
    });
    const addr = server.address();
    if (addr && typeof addr === 'object') this.info.port = addr.port;
    this.server = server;
  }

  async stop(): Promise<void> {
    const s = this.server;
    this.server = undefined;
    for (const c of this.conns) c.destroy();
    this.conns.clear();
    if (s) await new Promise<void>((res) => s.close(() => res()));
  }
}
