/**
 * The http target's 'raw' engine: HTTP/1.1 keep-alive over plain sockets (node:net, node:tls),
 * the way wrk and autocannon drive a server. The request is encoded once; each send is one socket
 * write; responses are parsed just far enough to find the status and the end of the body
 * (Content-Length, chunked, or close-delimited). No streams, no per-request objects beyond the
 * callback, so one core drives the server at the field's ceiling.
 *
 * A send goes to a connection with room (fewer than `pipelining` requests in flight) or waits in
 * a FIFO for one; how long it waited is reported apart from its time on the wire (`blockedMs`).
 * A connection that errors or closes fails what it had in flight and is replaced on demand.
 */
import net from 'node:net';
import tls from 'node:tls';

/**
 * what one request ended with: a status (0 on a network error) and, on error, its code; `token` is
 * what send() was given with it (one handler for every request, no closure per request)
 */
export type RawDone = (status: number, error: string | undefined, blockedMs: number, token: unknown) => void;

export interface RawOptions {
  url: URL;
  method: string;
  /** header names as given (a `host` header overrides the URL's) */
  headers: Record<string, string>;
  body?: string | undefined;
  connections: number;
  pipelining: number;
  timeoutMs: number;
  /** ms clock for blocked time and timeouts */
  now: () => number;
}

/** the request line, headers and body as the bytes every send writes */
export function encodeRequest(o: Pick<RawOptions, 'url' | 'method' | 'headers' | 'body'>): Buffer {
  const lines = [`${o.method} ${o.url.pathname}${o.url.search} HTTP/1.1`];
  const given = new Set(Object.keys(o.headers).map((h) => h.toLowerCase()));
  if (!given.has('host')) lines.push(`host: ${o.url.host}`);
  for (const [k, v] of Object.entries(o.headers)) lines.push(`${k}: ${v}`);
  const body = o.body === undefined ? undefined : Buffer.from(o.body);
  if (body && !given.has('content-length')) lines.push(`content-length: ${body.length}`);
  const head = Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1');
  return body ? Buffer.concat([head, body]) : head;
}

enum State {
  Head,
  Body,
  ChunkSize,
  ChunkData,
  ChunkEnd,
  Trailers,
  UntilClose,
}

const CRLFCRLF = Buffer.from('\r\n\r\n');
const CRLF = Buffer.from('\r\n');
/** a response head longer than this is refused (a server not speaking HTTP) */
const MAX_HEAD = 64 * 1024;

const CHUNKED = -1;
const UNTIL_CLOSE = -2;

/** what a response head says: status, whether the connection closes after it, how its body ends */
interface Framing {
  status: number;
  closeAfter: boolean;
  /** body bytes, or CHUNKED, or UNTIL_CLOSE */
  length: number;
}

/** reads a response head (`text`, up to its blank line); undefined when it is no HTTP/1.x response */
function parseHead(text: string, isHead: boolean): Framing | undefined {
  const status = Number(text.slice(9, 12));
  if (!text.startsWith('HTTP/1.') || !(status >= 100 && status < 600)) return undefined;
  const lower = text.toLowerCase();
  const closeAfter = /\r\nconnection:[ \t]*close/.test(lower) || text.startsWith('HTTP/1.0');
  if (status < 200 || isHead || status === 204 || status === 304) return { status, closeAfter, length: 0 };
  if (/\r\ntransfer-encoding:[^\r]*chunked/.test(lower)) return { status, closeAfter, length: CHUNKED };
  const m = /\r\ncontent-length:[ \t]*(\d+)/.exec(lower);
  return { status, closeAfter, length: m ? Number(m[1]) : UNTIL_CLOSE };
}

interface Pending {
  done: RawDone;
  token: unknown;
  sentAt: number;
  blockedMs: number;
}

/** bytes read per socket read (plain sockets read into one buffer per pool, parsed before the next read) */
const READ_BUFFER = 64 * 1024;

/** one keep-alive connection and its response parser */
class Conn {
  readonly inFlight: Pending[] = [];
  connected = false;
  dead = false;
  /** listed in the pool's ready stack */
  inReady = false;
  private state = State.Head;
  private head: Buffer | undefined;
  private remaining = 0;
  private status = 0;
  private closeAfter = false;
  readonly socket: net.Socket;

  constructor(
    private readonly pool: RawPool,
    o: RawOptions,
  ) {
    const port = Number(o.url.port) || (o.url.protocol === 'https:' ? 443 : 80);
    const host = o.url.hostname.replace(/^\[|\]$/g, '');
    if (o.url.protocol === 'https:') {
      this.socket = tls.connect({ host, port, servername: net.isIP(host) ? undefined : host });
      this.socket.on('data', (b: Buffer) => this.onData(b, b.length));
    } else {
      // reads land in the pool's one buffer and are parsed at once: no Buffer and no stream push per read
      const callback = (n: number, b: Uint8Array): boolean => {
        this.onData(b as Buffer, n);
        return true;
      };
      this.socket = net.connect({ host, port, onread: { buffer: pool.readBuffer, callback } });
    }
    this.socket.setNoDelay(true);
    this.socket.on(o.url.protocol === 'https:' ? 'secureConnect' : 'connect', () => {
      this.connected = true;
      this.pool.connected(this);
    });
    this.socket.on('error', (e: NodeJS.ErrnoException) => this.fail(e.code ?? e.name ?? 'error'));
    this.socket.on('close', () => this.fail(this.state === State.UntilClose ? undefined : 'ECONNRESET'));
  }

  /** fails everything in flight and leaves the pool (a close-delimited body ends well here) */
  fail(code: string | undefined): void {
    if (this.dead) return;
    this.dead = true;
    this.socket.destroy();
    if (code === undefined) {
      const p = this.inFlight.shift();
      if (p) p.done(this.status, undefined, p.blockedMs, p.token);
    }
    const failed = this.inFlight.splice(0);
    for (const p of failed) p.done(0, code ?? 'ECONNRESET', p.blockedMs, p.token);
    this.pool.lost(this);
  }

  /** parses b[0, len) (b may be the pool's read buffer: nothing of it is kept without a copy) */
  private onData(b: Buffer, len: number): void {
    let i = 0;
    while (i < len && !this.dead) {
      if (this.inFlight.length === 0) {
        this.fail('UNEXPECTED_RESPONSE');
        return;
      }
      switch (this.state) {
        case State.Head:
          i = this.readHead(b, i, len);
          break;
        case State.Body:
        case State.ChunkData: {
          const n = Math.min(this.remaining, len - i);
          this.remaining -= n;
          i += n;
          if (this.remaining > 0) break;
          if (this.state === State.Body) this.finish();
          else this.state = State.ChunkEnd;
          break;
        }
        case State.ChunkSize:
        case State.ChunkEnd:
        case State.Trailers:
          i = this.readChunkLine(b.subarray(0, len), i);
          break;
        case State.UntilClose:
          return;
      }
    }
  }

  /** accumulates the head until its blank line, then reads status and framing */
  private readHead(b: Buffer, i: number, len: number): number {
    // the common case, a whole head in this read: found in place (the buffer may hold stale bytes past len)
    let buf = b;
    let start = i;
    let end = this.head ? -1 : b.indexOf(CRLFCRLF, i);
    if (end < 0 || end + 4 > len) {
      buf = this.head ? Buffer.concat([this.head, b.subarray(i, len)]) : b.subarray(i, len);
      start = 0;
      end = buf.indexOf(CRLFCRLF);
    }
    if (end < 0) {
      if (buf.length > MAX_HEAD) this.fail('HEADERS_TOO_LARGE');
      else this.head = Buffer.from(buf);
      return len;
    }
    const consumed = end + 4 - start - (this.head?.length ?? 0);
    this.head = undefined;
    const f = this.pool.framing(buf, start, end);
    if (!f) {
      this.fail('INVALID_RESPONSE');
      return len;
    }
    if (f.status < 200) return i + consumed; // 1xx: the real response follows
    this.status = f.status;
    this.closeAfter = f.closeAfter;
    if (f.length === 0) this.finish();
    else if (f.length === CHUNKED) this.state = State.ChunkSize;
    else if (f.length === UNTIL_CLOSE) this.state = State.UntilClose;
    else {
      this.remaining = f.length;
      this.state = State.Body;
    }
    return i + consumed;
  }

  /** a chunk-size line, the CRLF after a chunk, or trailer lines up to the blank one */
  private readChunkLine(b: Buffer, i: number): number {
    const buf = this.head ? Buffer.concat([this.head, b.subarray(i)]) : b.subarray(i);
    const eol = buf.indexOf(CRLF);
    if (eol < 0) {
      if (buf.length > MAX_HEAD) this.fail('INVALID_CHUNK');
      else this.head = Buffer.from(buf);
      return b.length;
    }
    const consumed = eol + 2 - (this.head?.length ?? 0);
    this.head = undefined;
    if (this.state === State.ChunkEnd) this.state = State.ChunkSize;
    else if (this.state === State.Trailers) {
      if (eol === 0) this.finish();
    } else {
      const size = Number.parseInt(buf.toString('latin1', 0, eol), 16);
      if (!Number.isFinite(size)) this.fail('INVALID_CHUNK');
      else if (size === 0) this.state = State.Trailers;
      else {
        this.remaining = size;
        this.state = State.ChunkData;
      }
    }
    return i + consumed;
  }

  private finish(): void {
    const p = this.inFlight.shift();
    this.state = State.Head;
    if (p) p.done(this.status, undefined, p.blockedMs, p.token);
    if (this.closeAfter) this.fail('ECONNRESET');
    else this.pool.freed(this);
  }
}

/** connections to one origin, requests written to whichever has room */
export class RawPool {
  private readonly request: Buffer;
  readonly isHead: boolean;
  private readonly conns = new Set<Conn>();
  /** connected connections with room for another request */
  private readonly ready: Conn[] = [];
  private readonly waiting: { done: RawDone; token: unknown; at: number }[] = [];
  /** what every plain connection of this pool reads into */
  readonly readBuffer = Buffer.allocUnsafe(READ_BUFFER);
  private waitHead = 0;
  private closed = false;
  private readonly timer: NodeJS.Timeout;
  /** the last response head and its framing: a server answers most requests with the same bytes */
  private lastHead: Buffer | undefined;
  private lastFraming: Framing | undefined;

  constructor(private readonly o: RawOptions) {
    this.request = encodeRequest(o);
    this.isHead = o.method === 'HEAD';
    this.timer = setInterval(() => this.expire(), Math.max(50, Math.min(1000, o.timeoutMs / 4)));
    this.timer.unref();
  }

  /**
   * Opens every connection before the load starts (as wrk and autocannon do), so the first second
   * is not spent connecting while iterations queue. Resolves when all are up or have failed, or
   * after `withinMs`; a server that is down shows up in the iterations, not here.
   */
  async warm(withinMs: number): Promise<void> {
    const opening: Promise<void>[] = [];
    while (this.conns.size < this.o.connections) {
      const c = new Conn(this, this.o);
      this.conns.add(c);
      opening.push(
        new Promise((resolve) => {
          c.socket.once('connect', () => resolve());
          c.socket.once('secureConnect', () => resolve());
          c.socket.once('close', () => resolve());
        }),
      );
    }
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, withinMs);
    });
    await Promise.race([Promise.all(opening), deadline]);
    clearTimeout(timer);
  }

  /** the framing of the head in buf[start, end), from the last head when the bytes are the same */
  framing(buf: Buffer, start: number, end: number): Framing | undefined {
    const last = this.lastHead;
    const n = end - start;
    if (last && last.length === n && buf.compare(last, 0, n, start, end) === 0) return this.lastFraming;
    const f = parseHead(buf.toString('latin1', start, end), this.isHead);
    this.lastHead = Buffer.from(buf.subarray(start, end));
    this.lastFraming = f;
    return f;
  }

  /** sends the request; `done` gets its result (and `token`) once */
  send(done: RawDone, token?: unknown): void {
    if (this.closed) {
      done(0, 'CLOSED', 0, token);
      return;
    }
    const c = this.ready.pop();
    if (c) {
      c.inReady = false;
      this.write(c, done, token, 0);
      return;
    }
    this.waiting.push({ done, token, at: this.o.now() });
    if (this.conns.size < this.o.connections) this.conns.add(new Conn(this, this.o));
  }

  private write(c: Conn, done: RawDone, token: unknown, blockedMs: number): void {
    c.inFlight.push({ done, token, sentAt: this.o.now(), blockedMs });
    c.socket.write(this.request);
    this.markReady(c);
  }

  private markReady(c: Conn): void {
    if (c.inReady || c.dead || c.inFlight.length >= this.o.pipelining) return;
    c.inReady = true;
    this.ready.push(c);
  }

  private unmarkReady(c: Conn): void {
    if (!c.inReady) return;
    c.inReady = false;
    this.ready.splice(this.ready.indexOf(c), 1);
  }

  /** a connection came up: it takes waiting requests up to its depth */
  connected(c: Conn): void {
    this.freed(c);
  }

  /** a response ended (or a connection came up): a waiting request goes out, else the room is noted */
  freed(c: Conn): void {
    if (c.dead || !c.connected) return;
    while (this.waitHead < this.waiting.length && c.inFlight.length < this.o.pipelining) {
      const w = this.waiting[this.waitHead++]!;
      if (this.waitHead > 1024 && this.waitHead * 2 > this.waiting.length) {
        this.waiting.splice(0, this.waitHead);
        this.waitHead = 0;
      }
      this.unmarkReady(c);
      this.write(c, w.done, w.token, this.o.now() - w.at);
    }
    this.markReady(c);
  }

  /** a connection died: requests still waiting get a new one (or its error when the server is gone) */
  lost(c: Conn): void {
    this.conns.delete(c);
    this.unmarkReady(c);
    if (this.closed) return;
    if (!c.connected) {
      // never came up (refused, unreachable): what waits for a connection fails with the same cause
      const waiting = this.waiting.splice(this.waitHead);
      this.waitHead = 0;
      this.waiting.length = 0;
      const now = this.o.now();
      for (const w of waiting) w.done(0, 'ECONNREFUSED', now - w.at, w.token);
      return;
    }
    if (this.waitHead < this.waiting.length && this.conns.size < this.o.connections)
      this.conns.add(new Conn(this, this.o));
  }

  /** requests on the wire longer than the timeout fail; their connection is dropped (responses are ordered) */
  private expire(): void {
    const limit = this.o.now() - this.o.timeoutMs;
    for (const c of this.conns) if (c.inFlight[0] && c.inFlight[0].sentAt < limit) c.fail('ETIMEDOUT');
  }

  /** fails whatever is waiting or in flight and closes every connection */
  destroy(code = 'ABORTED'): void {
    this.closed = true;
    clearInterval(this.timer);
    const waiting = this.waiting.splice(this.waitHead);
    this.waiting.length = 0;
    for (const w of waiting) w.done(0, code, 0, w.token);
    for (const c of [...this.conns]) c.fail(code);
  }

  /** closes idle connections after in-flight requests end */
  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.timer);
    await Promise.all(
      [...this.conns].map(
        (c) =>
          new Promise<void>((resolve) => {
            if (c.dead) {
              resolve();
              return;
            }
            c.socket.once('close', () => resolve());
            c.socket.end();
          }),
      ),
    );
  }
}
