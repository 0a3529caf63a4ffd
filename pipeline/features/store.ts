/**
 * The feature store: per-user features under `user_features:<userId>` with a TTL (3600 s by
 * default). Two implementations share this interface: Redis (redis.ts, ioredis, pipelined) and
 * in-memory (memory.ts, the embedded default, same TTL semantics on an injectable clock).
 *
 * Every lookup is counted (hits, misses) and timed; `stats()` gives the figures as plain data
 * and, when a prom-client Registry is passed, the same figures are exported as
 * `pipelab_feature_lookups_total{result}` and `pipelab_feature_lookup_seconds`.
 */
import { Counter, Histogram, type Registry } from 'prom-client';
import type { UserFeatures } from '../types.ts';

export const FEATURE_KEY_PREFIX = 'user_features:';
export const DEFAULT_TTL_MS = 3_600_000;

export function featureKey(userId: string): string {
  return FEATURE_KEY_PREFIX + userId;
}

export interface FeatureStoreStats {
  /** keys asked for */
  lookups: number;
  hits: number;
  misses: number;
  /** hits / lookups; 1 when nothing was asked yet */
  hitRate: number;
  /** getMany calls and their total time (ms) */
  batches: number;
  lookupMsTotal: number;
  writes: number;
}

export interface FeatureStore {
  readonly kind: 'redis' | 'memory';
  /** write (replace) features for many users; each key's TTL restarts */
  putMany(entries: ReadonlyArray<{ userId: string; features: UserFeatures }>): Promise<void>;
  /** features for each user id in order; undefined for a miss (absent or expired) */
  getMany(userIds: readonly string[]): Promise<(UserFeatures | undefined)[]>;
  get(userId: string): Promise<UserFeatures | undefined>;
  /** removes the users' features (`pipelab forget`); resolves to how many users had any */
  deleteMany(userIds: readonly string[]): Promise<number>;
  stats(): FeatureStoreStats;
  close(): Promise<void>;
}

export interface FeatureStoreOptions {
  /** key TTL in ms (default 3 600 000 = 3600 s) */
  ttlMs?: number;
  /** export lookup counters/histogram into this prom-client registry */
  registry?: Registry;
  /** called after every getMany with its duration (ms), hits and misses (e.g. the harness registry) */
  onLookup?: (ms: number, hits: number, misses: number) => void;
}

/** counting and timing shared by both stores */
export class LookupMeter {
  private s: FeatureStoreStats = {
    lookups: 0,
    hits: 0,
    misses: 0,
    hitRate: 1,
    batches: 0,
    lookupMsTotal: 0,
    writes: 0,
  };
  private readonly counter?: Counter<'result'>;
  private readonly hist?: Histogram;
  constructor(private readonly opts: FeatureStoreOptions) {
    if (opts.registry) {
      this.counter = new Counter({
        name: 'pipelab_feature_lookups_total',
        help: 'feature store key lookups by result',
        labelNames: ['result'],
        registers: [opts.registry],
      });
      this.hist = new Histogram({
        name: 'pipelab_feature_lookup_seconds',
        help: 'feature store getMany latency',
        buckets: [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1],
        registers: [opts.registry],
      });
    }
  }
  record(ms: number, hits: number, misses: number): void {
    const s = this.s;
    s.lookups += hits + misses;
    s.hits += hits;
    s.misses += misses;
    s.hitRate = s.lookups ? s.hits / s.lookups : 1;
    s.batches++;
    s.lookupMsTotal += ms;
    this.counter?.inc({ result: 'hit' }, hits);
    this.counter?.inc({ result: 'miss' }, misses);
    this.hist?.observe(ms / 1000);
    this.opts.onLookup?.(ms, hits, misses);
  }
  wrote(n: number): void {
    this.s.writes += n;
  }
  stats(): FeatureStoreStats {
    return { ...this.s };
  }
}

/**
 * An `onLookup` that records into the harness metrics registry (structurally typed, so the
 * pipeline does not import the harness): trend `feature_lookup` (ms per getMany) and counters
 * `feature_hits` / `feature_misses`; the hit rate is hits / (hits + misses).
 */
export function recordLookupsInto(
  registry: {
    trend(name: string): { add(ms: number, nowMs: number): void };
    counter(name: string): { add(n: number, nowMs: number): void };
  },
  nowMs: () => number,
): NonNullable<FeatureStoreOptions['onLookup']> {
  const lat = registry.trend('feature_lookup'),
    hits = registry.counter('feature_hits'),
    misses = registry.counter('feature_misses');
  return (ms, h, m) => {
    const t = nowMs();
    lat.add(ms, t);
    if (h) hits.add(h, t);
    if (m) misses.add(m, t);
  };
}
