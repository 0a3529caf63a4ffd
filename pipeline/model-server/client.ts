/**
 * ModelClient: scores instances against N model-server replicas. Requests are spread
 * round-robin or to the replica with the fewest requests in flight (least-pending). Each
 * replica has its own circuit breaker on the client side, so a replica that is down or slow is
 * skipped while its breaker is open; when no replica can answer, the client scores with the
 * same rules the server falls back to (`source: 'rules'`, modelVersion 'client-fallback'), so
 * decisions continue while the model tier is down.
 */
import { createRequire } from 'node:module';
import type { Pool } from 'undici';
import type { Prediction, ScoringInput } from '../types.ts';
import { CircuitBreaker, type BreakerOptions } from './breaker.ts';
import { rulesPrediction } from './rules.ts';
import { COMPACT_INSTANCES, COMPACT_PREDICTIONS, decodePredictions, encodeInstances } from './wire.ts';

export interface ModelClientOptions {
  /** replica base URLs, e.g. ['http://127.0.0.1:8501'] */
  urls: string[];
  strategy?: 'round-robin' | 'least-pending';
  /** connections per replica (default 16) */
  connections?: number;
  breaker?: BreakerOptions;
  /** bearer token the server requires (serve-model --token-file, PIPELAB_MODEL_SERVER_TOKEN) */
  token?: string;
  /**
   * the /predict body. 'auto' (default): JSON until a replica's answer advertises the compact format (wire.ts, a
   * quarter of the bytes and of the CPU to build and read) in its `accept-post` header, as pipelab's model server
   * does, then compact to that replica; a server of your own that speaks the JSON API only never gets anything else.
   * 'compact': compact from the first request; 'json': JSON always. A replica that refuses a compact body (415, or
   * 400 INVALID_JSON from a server from before the format) gets JSON from then on.
   */
  wire?: 'auto' | 'compact' | 'json';
}

interface Replica {
  url: string;
  pool: Pool;
  pending: number;
  breaker: CircuitBreaker;
  /** compact bodies to this replica now */
  compact: boolean;
  /** may switch to compact when the replica advertises it (wire 'auto') */
  negotiate: boolean;
}

export const CLIENT_FALLBACK_VERSION = 'client-fallback';
const require = createRequire(import.meta.url);
/** instances per HTTP request (the server takes up to 1024 and 1 MiB; ~350 bytes each) */
const CHUNK = 512;

export class ModelClient {
  private readonly replicas: Replica[];
  private rr = 0;
  readonly strategy: 'round-robin' | 'least-pending';
  readonly counts = { requests: 0, fallbacks: 0, errors: 0 };
  private readonly headers: Record<string, string>;
  private readonly compactHeaders: Record<string, string>;

  constructor(opts: ModelClientOptions) {
    if (opts.urls.length === 0) throw new RangeError('ModelClient needs at least one replica URL');
    this.strategy = opts.strategy ?? 'least-pending';
    this.headers = { 'content-type': 'application/json' };
    if (opts.token) this.headers.authorization = `Bearer ${opts.token}`;
    this.compactHeaders = { ...this.headers, 'content-type': COMPACT_INSTANCES, accept: COMPACT_PREDICTIONS };
    // undici loads with the first client, not with the library (110 modules every process paid for)
    const { Pool } = require('undici') as typeof import('undici');
    this.replicas = opts.urls.map((url) => ({
      url,
      pool: new Pool(url, { connections: opts.connections ?? 16, pipelining: 1 }),
      pending: 0,
      breaker: new CircuitBreaker({ timeoutMs: 1000, slowCallMs: 500, resetTimeoutMs: 2000, ...opts.breaker }),
      compact: opts.wire === 'compact',
      negotiate: (opts.wire ?? 'auto') === 'auto',
    }));
  }

  /** replicas in the order to try: the strategy's pick first, then the others */
  private order(): Replica[] {
    const n = this.replicas.length;
    let first: number;
    if (this.strategy === 'round-robin') first = this.rr++ % n;
    else {
      first = 0;
      for (let i = 1; i < n; i++) if (this.replicas[i]!.pending < this.replicas[first]!.pending) first = i;
    }
    return Array.from({ length: n }, (_, i) => this.replicas[(first + i) % n]!);
  }

  private async call(r: Replica, instances: ScoringInput[]): Promise<Prediction[]> {
    r.pending++;
    try {
      const compact = r.compact ? encodeInstances(instances) : undefined;
      const res = await r.pool.request({
        path: '/predict',
        method: 'POST',
        headers: compact ? this.compactHeaders : this.headers,
        body: compact ?? JSON.stringify({ instances }),
      });
      if (res.statusCode === 200 && res.headers['content-type'] === COMPACT_PREDICTIONS)
        return decodePredictions(new Uint8Array(await res.body.arrayBuffer()), instances);
      if (compact && res.statusCode === 415) return await this.refused(r, instances, res.body);
      const body = (await res.body.json()) as {
        predictions?: Prediction[];
        error?: { code?: string; message: string };
      };
      if (res.statusCode >= 500) throw new Error(`${r.url}: HTTP ${res.statusCode}`);
      if (compact && res.statusCode === 400 && body.error?.code === 'INVALID_JSON')
        return await this.refused(r, instances);
      if (r.negotiate && !compact && String(res.headers['accept-post'] ?? '').includes(COMPACT_INSTANCES)) {
        r.compact = true; // the replica reads compact bodies: from the next request on
        r.negotiate = false;
      }
      if (res.statusCode !== 200 || !body.predictions) {
        // a 4xx is the caller's mistake, not the replica's: surface it
        const err = new Error(`model server rejected the request: ${body.error?.message ?? res.statusCode}`);
        (err as Error & { status?: number }).status = res.statusCode;
        throw err;
      }
      return body.predictions;
    } finally {
      r.pending--;
    }
  }

  /** a replica refused a compact body (a server from before the format, a proxy): JSON to it from now on */
  private async refused(r: Replica, instances: ScoringInput[], unread?: { dump(): Promise<unknown> }) {
    await unread?.dump();
    r.compact = false;
    r.negotiate = false;
    return this.call(r, instances);
  }

  /** score instances (any number: sent in chunks of CHUNK, within the server's per-request limit) */
  async predict(instances: ScoringInput[]): Promise<Prediction[]> {
    if (instances.length <= CHUNK) return this.predictChunk(instances);
    const parts: Promise<Prediction[]>[] = [];
    for (let i = 0; i < instances.length; i += CHUNK) parts.push(this.predictChunk(instances.slice(i, i + CHUNK)));
    return (await Promise.all(parts)).flat();
  }

  private async predictChunk(instances: ScoringInput[]): Promise<Prediction[]> {
    this.counts.requests++;
    let clientError: Error | undefined;
    for (const r of this.order()) {
      if (r.breaker.state === 'open') continue;
      const out = await r.breaker.exec(
        () =>
          this.call(r, instances).catch((e: Error & { status?: number }) => {
            if (e.status && e.status < 500) {
              clientError = e;
              return null; // not the replica's fault: don't count it against the breaker
            }
            throw e;
          }),
        () => undefined,
      );
      if (clientError) throw clientError;
      if (!out.fallback && out.value) return out.value;
      this.counts.errors++;
    }
    this.counts.fallbacks++;
    return instances.map((x) => rulesPrediction(x, CLIENT_FALLBACK_VERSION));
  }

  /** breaker state per replica URL */
  states(): Record<string, string> {
    return Object.fromEntries(this.replicas.map((r) => [r.url, r.breaker.state]));
  }

  async close(): Promise<void> {
    await Promise.all(this.replicas.map((r) => r.pool.close()));
  }
}
