/**
 * Redis feature store (ioredis). Each user is a hash at `user_features:<userId>` with the three
 * feature fields; writes are HSET + PEXPIRE per key in one pipeline (one round trip per batch),
 * reads are HMGET per key in one pipeline. A key with no fields is a miss. The store is given a
 * connection (URL or an ioredis client) by whoever starts it; it never resolves services.
 */
import type { Redis, RedisOptions } from 'ioredis';
import { PipelabError } from '../../errors.ts';
import type { UserFeatures } from '../types.ts';
import { FEATURE_NAMES } from '../types.ts';
import {
  DEFAULT_TTL_MS,
  LookupMeter,
  featureKey,
  type FeatureStore,
  type FeatureStoreOptions,
  type FeatureStoreStats,
} from './store.ts';
import { redactUrl } from '../../results/redact.ts';

export interface RedisFeatureStoreOptions extends FeatureStoreOptions {
  /** redis://host:port[/db]; ignored when `client` is given */
  url?: string;
  /** an existing ioredis client (not closed by close()) */
  client?: Redis;
  redisOptions?: RedisOptions;
}

export class RedisFeatureStore implements FeatureStore {
  readonly kind = 'redis' as const;
  readonly client: Redis;
  private readonly owned: boolean;
  private readonly ttlMs: number;
  private readonly meter: LookupMeter;

  private constructor(client: Redis, owned: boolean, opts: RedisFeatureStoreOptions) {
    this.client = client;
    this.owned = owned;
    this.ttlMs = opts.ttlMs ?? DEFAULT_TTL_MS;
    this.meter = new LookupMeter(opts);
  }

  /** connect (or adopt `client`) and check the server answers PING */
  static async connect(opts: RedisFeatureStoreOptions): Promise<RedisFeatureStore> {
    if (opts.client) return new RedisFeatureStore(opts.client, false, opts);
    if (!opts.url)
      throw new PipelabError('INVALID_ARGUMENT', 'RedisFeatureStore needs a url or a client', {
        hint: 'pass { url: "redis://127.0.0.1:6379" }',
      });
    // ioredis loads with the first connection: every process importing 'pipelab' paid for it
    const { Redis } = await import('ioredis');
    const client = new Redis(opts.url, {
      lazyConnect: true,
      maxRetriesPerRequest: 2,
      enableOfflineQueue: true,
      ...opts.redisOptions,
    });
    client.on('error', () => {}); // surfaced through the failing command instead
    try {
      await client.connect();
      await client.ping();
    } catch (e) {
      client.disconnect();
      throw new PipelabError(
        'SERVICE_UNAVAILABLE',
        `cannot reach Redis at ${redactUrl(opts.url)}: ${(e as Error).message}`,
        {
          hint:
            'check the URL (--redis / PIPELAB_REDIS) or leave it unset to use a local redis-server or ' +
            'the in-memory store',
          cause: e,
        },
      );
    }
    return new RedisFeatureStore(client, true, opts);
  }

  async putMany(entries: ReadonlyArray<{ userId: string; features: UserFeatures }>): Promise<void> {
    if (entries.length === 0) return;
    const p = this.client.pipeline();
    for (const e of entries) {
      const k = featureKey(e.userId);
      p.hset(k, e.features as unknown as Record<string, number>);
      p.pexpire(k, this.ttlMs);
    }
    const res = await p.exec();
    const err = res?.find(([e]) => e)?.[0];
    if (err) throw err;
    this.meter.wrote(entries.length);
  }

  async getMany(userIds: readonly string[]): Promise<(UserFeatures | undefined)[]> {
    const t0 = performance.now();
    if (userIds.length === 0) return [];
    const p = this.client.pipeline();
    for (const u of userIds) p.hmget(featureKey(u), ...FEATURE_NAMES);
    const res = (await p.exec()) ?? [];
    let hits = 0;
    const out = res.map(([err, vals]) => {
      if (err) throw err;
      const v = vals as (string | null)[];
      if (v.every((x) => x === null)) return undefined;
      hits++;
      return {
        user_transaction_count_1h: Number(v[0] ?? 0),
        user_avg_transaction_amount_24h: Number(v[1] ?? 0),
        user_device_risk_score: Number(v[2] ?? 0),
      };
    });
    this.meter.record(performance.now() - t0, hits, userIds.length - hits);
    return out;
  }

  async deleteMany(userIds: readonly string[]): Promise<number> {
    if (userIds.length === 0) return 0;
    return this.client.del(...userIds.map(featureKey));
  }

  async get(userId: string): Promise<UserFeatures | undefined> {
    return (await this.getMany([userId]))[0];
  }

  stats(): FeatureStoreStats {
    return this.meter.stats();
  }

  async close(): Promise<void> {
    if (this.owned) await this.client.quit().catch(() => this.client.disconnect());
  }
}
