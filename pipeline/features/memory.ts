/**
 * In-memory feature store: the embedded default. Same keys and TTL semantics as Redis (a write
 * restarts the key's TTL; an expired key is a miss and is removed when read or swept), on an
 * injectable clock so tests can expire keys without waiting.
 */
import type { UserFeatures } from '../types.ts';
import {
  DEFAULT_TTL_MS,
  LookupMeter,
  featureKey,
  type FeatureStore,
  type FeatureStoreOptions,
  type FeatureStoreStats,
} from './store.ts';

export interface MemoryFeatureStoreOptions extends FeatureStoreOptions {
  /** ms clock for TTLs (default Date.now) */
  clock?: () => number;
}

export class MemoryFeatureStore implements FeatureStore {
  readonly kind = 'memory' as const;
  private readonly data = new Map<string, { features: UserFeatures; expiresAt: number }>();
  private readonly ttlMs: number;
  private readonly clock: () => number;
  private readonly meter: LookupMeter;
  private writesSinceSweep = 0;

  constructor(opts: MemoryFeatureStoreOptions = {}) {
    this.ttlMs = opts.ttlMs ?? DEFAULT_TTL_MS;
    this.clock = opts.clock ?? Date.now;
    this.meter = new LookupMeter(opts);
  }

  get size(): number {
    return this.data.size;
  }

  async putMany(entries: ReadonlyArray<{ userId: string; features: UserFeatures }>): Promise<void> {
    const expiresAt = this.clock() + this.ttlMs;
    for (const e of entries) {
      const k = featureKey(e.userId);
      this.data.delete(k); // keep Map order = expiry order, so sweep can stop early
      this.data.set(k, { features: { ...e.features }, expiresAt });
    }
    this.meter.wrote(entries.length);
    this.writesSinceSweep += entries.length;
    if (this.writesSinceSweep > 10_000) this.sweep();
  }

  async getMany(userIds: readonly string[]): Promise<(UserFeatures | undefined)[]> {
    const t0 = performance.now();
    const now = this.clock();
    let hits = 0;
    const out = userIds.map((u) => {
      const k = featureKey(u);
      const e = this.data.get(k);
      if (!e) return undefined;
      if (e.expiresAt <= now) {
        this.data.delete(k);
        return undefined;
      }
      hits++;
      return { ...e.features };
    });
    this.meter.record(performance.now() - t0, hits, userIds.length - hits);
    return out;
  }

  async get(userId: string): Promise<UserFeatures | undefined> {
    return (await this.getMany([userId]))[0];
  }

  /** drop expired keys (entries are in write order, which is expiry order) */
  async deleteMany(userIds: readonly string[]): Promise<number> {
    let n = 0;
    for (const u of userIds) if (this.data.delete(featureKey(u))) n++;
    return n;
  }

  sweep(): number {
    this.writesSinceSweep = 0;
    const now = this.clock();
    let n = 0;
    for (const [k, e] of this.data) {
      if (e.expiresAt > now) break;
      this.data.delete(k);
      n++;
    }
    return n;
  }

  stats(): FeatureStoreStats {
    return this.meter.stats();
  }

  /** forget every key: a cold cache (the fault timeline's `flush`) */
  async flush(): Promise<void> {
    this.data.clear();
  }

  async close(): Promise<void> {
    this.data.clear();
  }
}
