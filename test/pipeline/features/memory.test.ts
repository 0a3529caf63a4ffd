import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { MemoryFeatureStore } from '../../../pipeline/features/memory.ts';
import { Registry } from 'prom-client';
import { recordLookupsInto } from '../../../pipeline/features/store.ts';
import { createRegistry } from '../../../harness/metrics/index.ts';

const f = (n: number) => ({
  user_transaction_count_1h: n,
  user_avg_transaction_amount_24h: 10 * n,
  user_device_risk_score: 0.1,
});

test('getMany returns features in order and undefined for unknown users', async () => {
  const s = new MemoryFeatureStore();
  await s.putMany([
    { userId: 'a', features: f(1) },
    { userId: 'b', features: f(2) },
  ]);
  const got = await s.getMany(['b', 'x', 'a']);
  assert.equal(got, [f(2), undefined, f(1)]);
  assert.equal(s.stats().hits, 2);
  assert.equal(s.stats().misses, 1);
  assert.ok(Math.abs(s.stats().hitRate - 2 / 3) < 1e-9);
});

test('a key expires after its TTL on the virtual clock, and a write restarts the TTL', async () => {
  let now = 0;
  const s = new MemoryFeatureStore({ clock: () => now, ttlMs: 3_600_000 });
  await s.putMany([
    { userId: 'a', features: f(1) },
    { userId: 'b', features: f(1) },
  ]);
  now = 3_000_000;
  await s.putMany([{ userId: 'b', features: f(2) }]);
  now = 3_599_999;
  assert.equal((await s.getMany(['a', 'b'])).map(Boolean), [true, true]);
  now = 3_600_000;
  assert.equal((await s.getMany(['a', 'b'])).map(Boolean), [false, true]);
  now = 6_600_000;
  assert.equal(await s.get('b'), undefined);
});

test('sweep drops only expired keys', async () => {
  let now = 0;
  const s = new MemoryFeatureStore({ clock: () => now, ttlMs: 100 });
  await s.putMany([{ userId: 'a', features: f(1) }]);
  now = 50;
  await s.putMany([{ userId: 'b', features: f(1) }]);
  now = 120;
  assert.is(s.sweep(), 1);
  assert.is(s.size, 1);
});

test('lookups are exported to a prom-client registry', async () => {
  const registry = new Registry();
  const s = new MemoryFeatureStore({ registry });
  await s.putMany([{ userId: 'a', features: f(1) }]);
  await s.getMany(['a', 'b', 'c']);
  const text = await registry.metrics();
  assert.match(text, /pipelab_feature_lookups_total\{result="hit"\} 1/);
  assert.match(text, /pipelab_feature_lookups_total\{result="miss"\} 2/);
  assert.match(text, /pipelab_feature_lookup_seconds_count 1/);
});

test('lookups can be recorded into the harness metrics registry', async () => {
  const reg = createRegistry();
  const s = new MemoryFeatureStore({ onLookup: recordLookupsInto(reg, () => 10) });
  await s.putMany([{ userId: 'a', features: f(1) }]);
  await s.getMany(['a', 'b']);
  await s.getMany(['a']);
  const snap = reg.snapshot(1000) as Record<string, any>;
  assert.is(snap.feature_hits.count, 2);
  assert.is(snap.feature_misses.count, 1);
  assert.is(snap.feature_lookup.count, 2);
});

test.run();
