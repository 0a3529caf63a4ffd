/**
 * Produce requests whose record batches pipelab encodes itself (pipeline/batch-builder.ts), sent over
 * an @platformatic/kafka producer's own connections: its metadata and leader lookup, connection pool
 * (TLS, SASL), API version negotiation, request timeout and retries, all through what the package
 * exports (kMetadata, kGetConnection, kGetApi, kPerformWithRetry, kOptions, Connection.send, Writer,
 * produceV3-V11's response parsers). The request is the one the client writes for the same batches:
 * Produce v3-v8 (`pipelab broker` takes v3-v7) or the flexible v9-v11, whichever the client picked.
 * Only the encoding of the records is ours; a client without these exports is used as it is (open()
 * says undefined).
 */
import type * as PK from '@platformatic/kafka';

type Pk = typeof PK;
type Producer = InstanceType<Pk['Producer']>;
type Callback<T> = (error: Error | null, result?: T) => void;
interface Metadata {
  brokers: Map<number, unknown>;
  topics: Map<string, { partitionsCount: number; partitions: { leader: number }[] }>;
}
interface PartitionResponse {
  index: number;
  errorCode: number;
}
interface ProduceResponse {
  responses: { name: string; partitionResponses: PartitionResponse[] }[];
}
interface ConnectionLike {
  send(
    key: number,
    version: number,
    payload: () => unknown,
    parse: unknown,
    requestTags: boolean,
    responseTags: boolean,
    cb: Callback<ProduceResponse>,
  ): void;
}
/** the client's internals this module uses, by their exported symbols */
interface Internals {
  metadata(o: { topics: string[]; forceUpdate?: boolean; retries?: number }, cb: Callback<Metadata>): void;
  connection(broker: unknown, cb: Callback<ConnectionLike>): void;
  retry(id: string, op: (cb: Callback<void>) => void, cb: Callback<void>, skip: (e: Error) => boolean): void;
  timeout: number;
}

/** a partition's batch, as BatchBuilder.finish made it */
export type PartitionBatch = [partition: number, batch: Buffer];

const ACKS_ALL = -1;

export class EncodedProduce {
  private constructor(
    private readonly pk: Pk,
    private readonly producer: Producer,
    private readonly client: Internals,
    private readonly topic: string,
    private readonly version: number,
    private readonly parse: unknown,
  ) {}

  /** closes the client (its connections) */
  close(): Promise<void> {
    return this.producer.close().catch(() => {});
  }

  /** a compression's attribute bits and its compressor, the client's own (none: undefined) */
  compression(c: string): { codec: number; compress?: (records: Buffer) => Buffer } {
    if (c === 'none') return { codec: 0 };
    const algo = (
      this.pk.compressionsAlgorithms as Record<string, { bitmask: number; compressSync: (b: Buffer) => unknown }>
    )[c];
    if (!algo) throw new Error(`compression '${c}' is not one of none, gzip, snappy, lz4, zstd`);
    return { codec: algo.bitmask, compress: (records) => algo.compressSync(records) as Buffer };
  }

  /** the topic's partition count in the client's metadata (fetched when unknown) */
  partitions(): Promise<number> {
    return new Promise((resolve, reject) =>
      this.client.metadata({ topics: [this.topic] }, (e, md) =>
        e ? reject(e) : resolve(md?.topics.get(this.topic)?.partitionsCount ?? 1),
      ),
    );
  }

  /**
   * sends the batches (one request per partition leader) with acks=all; resolves once every partition
   * was acknowledged, rejects with the client's error after its retries. A retry sends only the
   * partitions not yet acknowledged, to their leaders of the moment (metadata refreshed after an error)
   */
  send(batches: PartitionBatch[]): Promise<void> {
    const pending = new Map(batches);
    let refresh = false;
    const stale = (e: Error) => !!this.pk.findErrorBy(e, 'hasStaleMetadata', true);
    return new Promise((resolve, reject) => {
      const run = (repeat: boolean) =>
        this.client.retry(
          'produce',
          (cb) =>
            this.round(pending, refresh, (e) => {
              refresh = !!e && (this.pk.NetworkError.isRetryable(e) || stale(e));
              cb(e);
            }),
          (e) => {
            if (!e) resolve();
            else if (repeat && stale(e)) {
              // as the client: a send that failed on stale metadata goes once more, metadata refetched
              this.producer.clearMetadata();
              refresh = true;
              run(false);
            } else reject(e);
          },
          (e) => repeat && stale(e),
        );
      run(true);
    });
  }

  /** one attempt: the pending batches grouped by leader, one request each; acknowledged ones leave `pending` */
  private round(pending: Map<number, Buffer>, forceUpdate: boolean, done: (e: Error | null) => void): void {
    // nothing left (no batches, or every partition acknowledged though the response carried an error): done
    if (!pending.size) {
      done(null);
      return;
    }
    this.client.metadata({ topics: [this.topic], forceUpdate, retries: 0 }, (e, md) => {
      if (e || !md) return done(e ?? new Error('no metadata'));
      const byLeader = new Map<number, PartitionBatch[]>();
      const parts = md.topics.get(this.topic)?.partitions ?? [];
      for (const [p, batch] of pending) {
        const leader = parts[p]?.leader ?? -1;
        const group = byLeader.get(leader);
        if (group) group.push([p, batch]);
        else byLeader.set(leader, [[p, batch]]);
      }
      let left = byLeader.size;
      let first: Error | null = null;
      const settle = (group: PartitionBatch[], err: Error | null, res?: ProduceResponse) => {
        const ok = new Set<number>();
        const r = (res ?? (err as { response?: ProduceResponse } | null)?.response) as ProduceResponse | undefined;
        for (const t of r?.responses ?? []) for (const pr of t.partitionResponses) if (!pr.errorCode) ok.add(pr.index);
        for (const [p] of group) if (!err || ok.has(p)) pending.delete(p);
        first ??= err;
        if (--left === 0) done(first);
      };
      for (const [leader, group] of byLeader) {
        const broker = md.brokers.get(leader);
        if (!broker) {
          settle(group, new this.pk.NetworkError(`no leader for ${this.topic} ${group.map((g) => g[0]).join(',')}`));
          continue;
        }
        this.client.connection(broker, (err, conn) => {
          if (err || !conn) return settle(group, err ?? new Error('no connection'));
          const flexible = this.version >= 9;
          conn.send(
            0,
            this.version,
            () => this.request(group),
            this.parse,
            flexible,
            flexible,
            (e2, res) => settle(group, e2, res),
          );
        });
      }
    });
  }

  /** the request as the client's Writer (its connection puts the header before it and joins the pieces once) */
  private request(group: PartitionBatch[]): unknown {
    const w = this.pk.Writer.create();
    for (const piece of produceRequest(this.version, this.topic, this.client.timeout, group)) w.append(piece);
    return w;
  }

  /**
   * an encoded-batch sender over `producer`, or undefined when the client does not export what it
   * needs (another major version) or the producer is idempotent: the caller then sends through producer.send
   */
  static async open(pk: Pk, producer: Producer, topic: string): Promise<EncodedProduce | undefined> {
    const p = producer as unknown as Record<symbol, (...a: unknown[]) => unknown>;
    const fns = [pk.kMetadata, pk.kGetConnection, pk.kGetApi, pk.kPerformWithRetry];
    if (!fns.every((k) => typeof k === 'symbol' && typeof p[k] === 'function') || typeof pk.kOptions !== 'symbol')
      return undefined;
    const api = await new Promise<{ version: number } | undefined>((resolve) =>
      p[pk.kGetApi]!.call(producer, 'Produce', (e: Error | null, a?: { version: number }) =>
        resolve(e ? undefined : a),
      ),
    );
    const version = api?.version ?? -1;
    const mod = (pk as unknown as Record<string, { parseResponse?: unknown }>)[`produceV${version}`];
    if (version < 3 || version > 11 || typeof mod?.parseResponse !== 'function') return undefined;
    const options = (producer as unknown as Record<symbol, { timeout?: number; idempotent?: boolean }>)[pk.kOptions];
    // an idempotent producer's batches carry its producer id and sequences, which only its own encoder writes
    if (options?.idempotent) return undefined;
    const client: Internals = {
      metadata: (o, cb) => p[pk.kMetadata]!.call(producer, o, cb),
      connection: (b, cb) => p[pk.kGetConnection]!.call(producer, b, cb),
      retry: (id, op, cb, skip) => p[pk.kPerformWithRetry]!.call(producer, id, op, cb, 0, [], skip),
      timeout: options?.timeout ?? 5000,
    };
    return new EncodedProduce(pk, producer, client, topic, version, mod.parseResponse);
  }
}

/**
 * A Produce request's body (v3-v11, acks=all, no transactional id) for one topic's batches, in pieces (the
 * batches themselves among them, not copied): the bytes the client's produceV<n>.createRequest writes
 */
export function produceRequest(version: number, topic: string, timeoutMs: number, group: PartitionBatch[]): Buffer[] {
  const flexible = version >= 9;
  const name = Buffer.from(topic);
  const head = Buffer.allocUnsafe(32 + name.length);
  let p = 0;
  if (flexible)
    head[p++] = 0; // transactional id: null (compact)
  else p = head.writeInt16BE(-1, p);
  p = head.writeInt16BE(ACKS_ALL, p);
  p = head.writeInt32BE(timeoutMs, p);
  if (flexible) {
    head[p++] = 2; // one topic (compact array: n + 1)
    p = uvarint(head, name.length + 1, p);
  } else {
    p = head.writeInt32BE(1, p);
    p = head.writeInt16BE(name.length, p);
  }
  p += name.copy(head, p);
  p = flexible ? uvarint(head, group.length + 1, p) : head.writeInt32BE(group.length, p);
  const pieces = [head.subarray(0, p)];
  for (let i = 0; i < group.length; i++) {
    const [partition, batch] = group[i] as PartitionBatch;
    // before a partition: the previous one's tagged fields (flexible)
    const pre = Buffer.allocUnsafe(10);
    let q = 0;
    if (flexible && i > 0) pre[q++] = 0;
    q = pre.writeInt32BE(partition, q);
    q = flexible ? uvarint(pre, batch.length + 1, q) : pre.writeInt32BE(batch.length, q);
    pieces.push(pre.subarray(0, q), batch);
  }
  // the last partition's, the topic's and the request's tagged fields
  if (flexible) pieces.push(Buffer.from([0, 0, 0]));
  return pieces;
}

/** an unsigned varint at p; the position after it */
function uvarint(b: Buffer, v: number, p: number): number {
  while (v >= 0x80) {
    b[p++] = (v & 0x7f) | 0x80;
    v = Math.floor(v / 128);
  }
  b[p++] = v;
  return p;
}
