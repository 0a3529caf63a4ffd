/**
 * A follower's replica fetcher (Kafka's ReplicaFetcherThread): one connection to one leader
 * node, one Fetch v11 at a time carrying replica_id = this node's id, for every partition this
 * node follows on that leader, each from its log end offset. The leader answers from its log end
 * (not the high watermark) with whole stored batches and its high watermark; the follower appends
 * the batches verbatim (same base offsets, same leader epochs) and keeps the lower of the leader's
 * high watermark and its own log end.
 */
import net from 'node:net';
import { Reader } from '../protocol/reader.ts';
import { baseOffsetOf, parseBatchHeader } from '../protocol/record-batch.ts';
import { Writer } from '../protocol/writer.ts';
import type { Partition } from '../topics.ts';

export interface Followed {
  topic: string;
  index: number;
  p: Partition;
}

export interface FetcherHost {
  readonly me: number;
  /** where the leader listens (undefined while unknown) */
  address(leader: number): { host: string; port: number } | undefined;
  /** appends a fetched batch (already checked to start at the log end) */
  appendReplica(f: Followed, batch: Buffer): void;
  /** a fetch answered with an error: the partition waits for the next state */
  fetchError(f: Followed, error: number, leaderHw: number): void;
  /** after a fetch: the follower's high watermark is min(leader's, own log end) */
  setFollowerHw(f: Followed, leaderHw: number): void;
}

const FETCH_KEY = 1;
const FETCH_VERSION = 11;
const MAX_WAIT_MS = 500;
const PARTITION_MAX_BYTES = 1024 * 1024;
const MAX_BYTES = 16 * 1024 * 1024;

class KafkaConn {
  private chunks: Buffer[] = [];
  private have = 0;
  private pending: { resolve: (b: Buffer) => void; reject: (e: Error) => void } | undefined;
  private corr = 0;
  closed = false;
  constructor(private readonly socket: net.Socket) {
    socket.setNoDelay(true);
    socket.on('data', (d) => this.onData(d));
    const fail = () => {
      this.closed = true;
      this.pending?.reject(new Error('connection closed'));
      this.pending = undefined;
    };
    socket.on('error', fail);
    socket.on('close', fail);
  }

  static open(host: string, port: number): Promise<KafkaConn> {
    return new Promise((resolve, reject) => {
      const s = net.connect({ host, port });
      s.once('connect', () => {
        s.off('error', reject);
        resolve(new KafkaConn(s));
      });
      s.once('error', reject);
    });
  }

  private onData(d: Buffer): void {
    this.chunks.push(d);
    this.have += d.length;
    if (this.have < 4) return;
    const all = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks);
    this.chunks = [all];
    const size = all.readInt32BE(0);
    if (all.length < 4 + size) return;
    const body = all.subarray(8, 4 + size);
    const rest = all.subarray(4 + size);
    this.chunks = rest.length ? [rest] : [];
    this.have = rest.length;
    const p = this.pending;
    this.pending = undefined;
    p?.resolve(body);
  }

  request(apiKey: number, version: number, body: Writer): Promise<Buffer> {
    const head = new Writer(64);
    head
      .int32(0)
      .int16(apiKey)
      .int16(version)
      .int32(++this.corr)
      .string('pipelab-replica');
    const h = head.toBuffer();
    const b = body.toBuffer();
    h.writeInt32BE(h.length - 4 + b.length, 0);
    return new Promise((resolve, reject) => {
      if (this.closed) return reject(new Error('connection closed'));
      this.pending = { resolve, reject };
      this.socket.write(Buffer.concat([h, b]));
    });
  }

  close(): void {
    this.closed = true;
    this.socket.destroy();
  }
}

export class Fetcher {
  readonly parts = new Map<Partition, Followed>();
  private conn: KafkaConn | undefined;
  private running = true;
  private wake: (() => void) | undefined;

  constructor(
    private readonly host: FetcherHost,
    readonly leader: number,
  ) {
    void this.loop();
  }

  add(f: Followed): void {
    this.parts.set(f.p, f);
    this.wake?.();
  }

  remove(p: Partition): void {
    this.parts.delete(p);
  }

  stop(): void {
    this.running = false;
    this.conn?.close();
    this.wake?.();
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((res) => {
      const t = setTimeout(res, ms);
      this.wake = () => {
        clearTimeout(t);
        res();
      };
    });
  }

  private async loop(): Promise<void> {
    while (this.running) {
      if (this.parts.size === 0) {
        await this.sleep(1000);
        continue;
      }
      try {
        if (!this.conn || this.conn.closed) {
          const a = this.host.address(this.leader);
          if (!a) throw new Error('leader address unknown');
          this.conn = await KafkaConn.open(a.host, a.port);
        }
        const wants = [...this.parts.values()];
        const resp = await this.conn.request(FETCH_KEY, FETCH_VERSION, this.fetchBody(wants));
        if (this.handle(resp) === 0) await this.sleep(20);
      } catch {
        this.conn?.close();
        this.conn = undefined;
        if (this.running) await this.sleep(100);
      }
    }
  }

  private fetchBody(wants: Followed[]): Writer {
    const byTopic = new Map<string, Followed[]>();
    for (const f of wants) byTopic.set(f.topic, [...(byTopic.get(f.topic) ?? []), f]);
    const w = new Writer();
    w.int32(this.host.me).int32(MAX_WAIT_MS).int32(1).int32(MAX_BYTES).int8(0).int32(0).int32(-1);
    w.array([...byTopic], (w, [topic, fs]) => {
      w.string(topic);
      w.array(fs, (w, f) => {
        w.int32(f.index).int32(f.p.leaderEpoch).int64(f.p.log.hwm).int64(-1).int32(PARTITION_MAX_BYTES);
      });
    });
    w.array([], () => {});
    w.string('');
    return w;
  }

  /** applies a Fetch v11 response; returns how many partitions were answered without error */
  private handle(body: Buffer): number {
    const r = new Reader(body);
    r.int32();
    r.int16();
    r.int32();
    let ok = 0;
    r.array((r) => {
      const topic = r.string();
      r.array((r) => {
        const index = r.int32();
        const error = r.int16();
        const hw = r.int64();
        r.int64();
        r.int64();
        r.nullableArray((r) => [r.int64(), r.int64()]);
        r.int32();
        const records = r.nullableBytes();
        const f = [...this.parts.values()].find((x) => x.topic === topic && x.index === index);
        if (!f) return;
        if (error !== 0) return this.host.fetchError(f, error, hw);
        ok++;
        this.appendAll(f, records ?? Buffer.alloc(0));
        this.host.setFollowerHw(f, hw);
      });
    });
    return ok;
  }

  private appendAll(f: Followed, records: Buffer): void {
    let at = 0;
    while (records.length - at >= 61) {
      const size = records.readInt32BE(at + 8) + 12;
      if (at + size > records.length) break;
      const batch = records.subarray(at, at + size);
      at += size;
      const h = parseBatchHeader(batch, 0, false);
      const last = baseOffsetOf(batch) + h.lastOffsetDelta;
      if (last < f.p.log.hwm) continue;
      if (baseOffsetOf(batch) !== f.p.log.hwm) break;
      this.host.appendReplica(f, batch);
    }
  }
}
