/**
 * Redis for the feature store: external URL (`--redis`, PIPELAB_REDIS) → container (redis:7)
 * → local redis-server → embedded (the in-memory feature store). `openFeatureStore` turns the
 * resolved connection into the FeatureStore the pipeline components are handed.
 */
import { MemoryFeatureStore, type MemoryFeatureStoreOptions } from '../../pipeline/features/memory.ts';
import { RedisFeatureStore } from '../../pipeline/features/redis.ts';
import type { FeatureStore, FeatureStoreOptions } from '../../pipeline/features/store.ts';
import { startContainer } from './container.ts';
import { redisServerOnPath, startLocalRedis } from './local-redis.ts';
import { ManagedProcess } from './managed.ts';
import { resolveService } from './resolve.ts';
import type { ResolveOptions, ResolvedService, ServiceSpec } from './types.ts';

/** `url` undefined = embedded (in-memory store) */
export interface RedisConnection {
  url?: string;
  /** local mode: the redis-server process (fault timeline: signals, restart on the same port) */
  process?: ManagedProcess;
}

const REDIS_IMAGE = 'redis:7-alpine';

export const redisSpec: ServiceSpec<RedisConnection> = {
  name: 'redis',
  envVar: 'PIPELAB_REDIS',
  async external(url) {
    return { detail: url, connection: { url }, close: async () => {} };
  },
  container: {
    available: async () => true,
    async start() {
      const c = await startContainer(REDIS_IMAGE, 6379);
      const url = `redis://${c.host}:${c.port}`;
      return { detail: `${REDIS_IMAGE} at ${url}`, connection: { url }, close: c.stop };
    },
  },
  local: {
    available: async () => redisServerOnPath(),
    async start() {
      const r = await startLocalRedis();
      const proc = new ManagedProcess(r, () => startLocalRedis({ port: r.port }));
      return {
        detail: `redis-server pid ${r.pid} at ${r.url}`,
        connection: { url: r.url, process: proc },
        close: () => proc.close(),
      };
    },
  },
  async embedded() {
    return { detail: 'in-memory feature store', connection: {}, close: async () => {} };
  },
};

export function resolveRedis(opts: ResolveOptions = {}): Promise<ResolvedService<RedisConnection>> {
  return resolveService(redisSpec, opts);
}

/** the feature store for a resolved Redis: RedisFeatureStore, or MemoryFeatureStore when embedded */
export async function openFeatureStore(
  conn: RedisConnection,
  opts: FeatureStoreOptions & Pick<MemoryFeatureStoreOptions, 'clock'> = {},
): Promise<FeatureStore> {
  if (conn.url) return RedisFeatureStore.connect({ ...opts, url: conn.url });
  return new MemoryFeatureStore(opts);
}
