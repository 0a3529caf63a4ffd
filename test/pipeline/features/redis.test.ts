import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { haveTool } from '../../helpers/tools.ts';
import { startLocalRedis, type LocalRedis } from '../../../harness/services/local-redis.ts';
import { RedisFeatureStore } from '../../../pipeline/features/redis.ts';
import { FeatureUpdater } from '../../../pipeline/features/updater.ts';

const f = (n: number) => ({
  user_transaction_count_1h: n,
  user_avg_transaction_amount_24h: 12.5 * n,
  user_device_risk_score: 0.25,
});

if (haveTool('redis-server')) {
  let redis: LocalRedis;
  test.before(async () => {
    redis = await startLocalRedis();
  });
  test.after(async () => {
    await redis?.close();
  });

  test('features round-trip through Redis hashes keyed user_features:<userId> with a TTL', async () => {
    const s = await RedisFeatureStore.connect({ url: redis.url });
    try {
      await s.putMany([
        { userId: 'u1', features: f(3) },
        { userId: 'u2', features: f(4) },
      ]);
      assert.equal(await s.getMany(['u1', 'nobody', 'u2']), [f(3), undefined, f(4)]);
      assert.equal(await s.client.hget('user_features:u1', 'user_transaction_count_1h'), '3');
      const ttl = await s.client.ttl('user_features:u1');
      assert.ok(ttl > 3590 && ttl <= 3600, `ttl ${ttl}`);
      const st = s.stats();
      assert.is(st.hits, 2);
      assert.is(st.misses, 1);
    } finally {
      await s.close();
    }
  });

  test('a key is gone after its (short) TTL', async () => {
    const s = await RedisFeatureStore.connect({ url: redis.url, ttlMs: 50 });
    try {
      await s.putMany([{ userId: 'short', features: f(1) }]);
      assert.ok(await s.get('short'));
      await new Promise((r) => setTimeout(r, 120));
      assert.is(await s.get('short'), undefined);
    } finally {
      await s.close();
    }
  });

  test('the updater writes the newest features per user from a batch of transactions', async () => {
    const s = await RedisFeatureStore.connect({ url: redis.url });
    try {
      const up = new FeatureUpdater(s);
      const base = { merchantId: 'm', currency: 'EUR', country: 'DE', channel: 'pos', deviceId: 'd' };
      const feats = await up.ingest([
        { ...base, id: '1', userId: 'w', amount: 10, eventTime: 1000 },
        { ...base, id: '2', userId: 'w', amount: 30, eventTime: 2000 },
      ]);
      assert.is(feats[1]!.user_transaction_count_1h, 2);
      assert.equal(await s.get('w'), feats[1]);
    } finally {
      await s.close();
    }
  });

  test('connecting to a dead address fails with SERVICE_UNAVAILABLE', async () => {
    try {
      await RedisFeatureStore.connect({ url: 'redis://127.0.0.1:1', redisOptions: { retryStrategy: () => null } });
      assert.unreachable('should fail');
    } catch (e) {
      assert.is((e as { code?: string }).code, 'SERVICE_UNAVAILABLE');
    }
  });
}

test.run();
