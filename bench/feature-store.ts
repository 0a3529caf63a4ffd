/**
 * Feature-store lookups/s (`npx tsx bench/feature-store.ts [--quick]`): getMany of BATCH user ids
 * per call (one pipelined round trip of HMGETs), CONCURRENCY calls in flight, against a local
 * redis-server (spawned on a free port, no persistence) and against the in-memory store.
 * Baseline measured in the same run: redis-benchmark GET on the same server (50 clients,
 * pipeline 16, and one unpipelined client), when redis-benchmark is on PATH.
 * Target (issue #5): ≥ 50k lookups/s on Redis, pipelined.
 */
import './help.ts';
import { spawnSync } from 'node:child_process';
import { startLocalRedis } from '../harness/services/local-redis.ts';
import { MemoryFeatureStore } from '../pipeline/features/memory.ts';
import { RedisFeatureStore } from '../pipeline/features/redis.ts';
import type { FeatureStore } from '../pipeline/features/store.ts';

const quick = process.argv.includes('--quick') || process.env.PIPELAB_BENCH_QUICK === '1';
const USERS = quick ? 10_000 : 100_000;
const BATCH = 100;
const CONCURRENCY = 8;
const SECONDS = quick ? 2 : 8;

async function fill(store: FeatureStore) {
  for (let i = 0; i < USERS; i += 1000) {
    const entries = Array.from({ length: Math.min(1000, USERS - i) }, (_, k) => ({
      userId: `u${i + k}`,
      features: {
        user_transaction_count_1h: (i + k) % 17,
        user_avg_transaction_amount_24h: 20 + ((i + k) % 100),
        user_device_risk_score: 0.05,
      },
    }));
    await store.putMany(entries);
  }
}

/** lookups/s with CONCURRENCY getMany calls in flight; 10 % of ids are misses */
async function lookups(store: FeatureStore): Promise<number> {
  let x = 12345;
  const nextId = () => {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    const r = x % Math.floor(USERS * 1.1);
    return `u${r}`;
  };
  const deadline = performance.now() + SECONDS * 1000;
  let n = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (performance.now() < deadline) {
        await store.getMany(Array.from({ length: BATCH }, nextId));
        n += BATCH;
      }
    }),
  );
  return n / ((performance.now() - t0) / 1000);
}

function redisBenchmark(port: number, clients: number, pipeline: number): number | undefined {
  const r = spawnSync(
    'redis-benchmark',
    [
      '-h',
      '127.0.0.1',
      '-p',
      String(port),
      '-t',
      'get',
      '-n',
      String(quick ? 100_000 : 500_000),
      '-c',
      String(clients),
      '-P',
      String(pipeline),
      '--csv',
    ],
    { encoding: 'utf8', timeout: 120_000 },
  );
  if (r.status !== 0) return undefined;
  const line = r.stdout.split('\n').find((l) => l.startsWith('"GET"'));
  return line ? Number(JSON.parse(`[${line}]`)[1]) : undefined;
}

const redis = await startLocalRedis();
const f = (x: number | undefined) => (x === undefined ? 'n/a' : Math.round(x).toLocaleString('en-US'));
try {
  const rs = await RedisFeatureStore.connect({ url: redis.url });
  await fill(rs);
  await lookups(rs); // warm-up
  const redisRate = await lookups(rs);
  const hit = rs.stats().hitRate;
  await rs.close();

  const ms = new MemoryFeatureStore();
  await fill(ms);
  const memRate = await lookups(ms);

  const haveRb = spawnSync('redis-benchmark', ['--version'], { stdio: 'ignore' }).status === 0;
  const rbPipelined = haveRb ? redisBenchmark(redis.port, 50, 16) : undefined;
  const rbSingle = haveRb ? redisBenchmark(redis.port, 1, 1) : undefined;

  console.log(
    `feature store: ${USERS} users, getMany of ${BATCH} ids, ${CONCURRENCY} in flight, ${SECONDS} ` +
      `s${quick ? ' (--quick)' : ''}`,
  );
  console.log(
    `  redis (ioredis, pipelined HMGET): ${f(redisRate)} lookups/s (hit rate ${(hit * 100).toFixed(1)} %) ` +
      ` target ≥ 50,000: ${redisRate >= 50_000 ? 'OK' : 'BELOW TARGET'}`,
  );
  console.log(`  in-memory:                        ${f(memRate)} lookups/s`);
  if (haveRb) {
    console.log(
      `  baseline redis-benchmark GET, 50 clients, pipeline 16: ${f(rbPipelined)} req/s → ours is ` +
        `${rbPipelined ? (redisRate / rbPipelined).toFixed(2) : 'n/a'}×`,
    );
    console.log(
      `  baseline redis-benchmark GET, 1 client, no pipeline:   ${f(rbSingle)} req/s → ours is ` +
        `${rbSingle ? (redisRate / rbSingle).toFixed(2) : 'n/a'}×`,
    );
  } else console.log('  baseline: redis-benchmark not on PATH (install redis-tools via .ci/install-tools.sh)');
} finally {
  await redis.close();
}
