import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { haveTool } from '../../helpers/tools.ts';
import { openFeatureStore, resolveRedis } from '../../../harness/services/redis.ts';

const noDocker = { PATH: process.env.PATH, DOCKER_HOST: 'unix:///nonexistent/docker.sock' };

test(
  'with nothing given and no container engine, Redis resolves to a local redis-server (or embedded ' + 'without one)',
  async () => {
    const r = await resolveRedis({ env: noDocker });
    try {
      assert.ok(
        r.skipped.some((s) => s.startsWith('container: no container runtime')),
        r.skipped.join('; '),
      );
      if (haveTool('redis-server')) {
        assert.is(r.mode, 'local');
        const store = await openFeatureStore(r.connection);
        await store.putMany([
          {
            userId: 'x',
            features: { user_transaction_count_1h: 1, user_avg_transaction_amount_24h: 2, user_device_risk_score: 0 },
          },
        ]);
        assert.is((await store.get('x'))?.user_avg_transaction_amount_24h, 2);
        assert.is(store.kind, 'redis');
        await store.close();
      } else assert.is(r.mode, 'embedded');
    } finally {
      await r.close();
    }
  },
);

test('forcing embedded gives the in-memory store', async () => {
  const r = await resolveRedis({ mode: 'embedded', env: noDocker });
  assert.is(r.mode, 'embedded');
  const store = await openFeatureStore(r.connection);
  assert.is(store.kind, 'memory');
  await r.close();
});

test('a URL from PIPELAB_REDIS means external mode', async () => {
  const r = await resolveRedis({ env: { ...noDocker, PIPELAB_REDIS: 'redis://10.0.0.9:6379' } });
  assert.is(r.mode, 'external');
  assert.is(r.connection.url, 'redis://10.0.0.9:6379');
  assert.is(r.detail, 'redis://10.0.0.9:6379');
});

test('PIPELAB_REDIS_MODE forces a mode, and an unknown mode is a clear error', async () => {
  const r = await resolveRedis({ env: { ...noDocker, PIPELAB_REDIS_MODE: 'embedded' } });
  assert.is(r.mode, 'embedded');
  try {
    await resolveRedis({ mode: 'cloud' as never, env: noDocker });
    assert.unreachable();
  } catch (e) {
    assert.is((e as { code?: string }).code, 'INVALID_ARGUMENT');
    assert.match((e as Error).message, /unknown service mode "cloud"/);
  }
});

test('forced external without an address says which flag to pass', async () => {
  try {
    await resolveRedis({ mode: 'external', env: noDocker });
    assert.unreachable();
  } catch (e) {
    assert.match((e as Error & { hint: string }).hint, /--redis <url>/);
  }
});

test.run();
