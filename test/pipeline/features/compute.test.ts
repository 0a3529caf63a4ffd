import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { DeviceLru, FeatureComputer } from '../../../pipeline/features/compute.ts';
import type { TransactionInput } from '../../../pipeline/types.ts';

const MIN = 60_000,
  HOUR = 60 * MIN;
let n = 0;
const tx = (userId: string, t: number, amount: number, deviceId = 'd1'): TransactionInput => ({
  id: `t${n++}`,
  userId,
  deviceId,
  merchantId: 'm',
  amount,
  currency: 'EUR',
  country: 'DE',
  channel: 'pos',
  eventTime: t,
});

test('the 1 h count slides: transactions older than an hour stop counting', () => {
  const fc = new FeatureComputer();
  const t0 = 10 * HOUR;
  for (let i = 0; i < 5; i++) fc.update(tx('u', t0 + i * MIN, 10));
  assert.is(fc.update(tx('u', t0 + 30 * MIN, 10)).user_transaction_count_1h, 6);
  // 61 minutes after the first five: only the one at +30 min and this one remain
  assert.is(fc.update(tx('u', t0 + 65 * MIN, 10)).user_transaction_count_1h, 2);
  assert.is(fc.update(tx('u', t0 + 3 * HOUR, 10)).user_transaction_count_1h, 1);
});

test('the 24 h average amount covers the last day only', () => {
  const fc = new FeatureComputer();
  fc.update(tx('u', 0, 100));
  assert.is(fc.update(tx('u', 2 * HOUR, 200)).user_avg_transaction_amount_24h, 150);
  assert.is(fc.update(tx('u', 25 * HOUR, 50)).user_avg_transaction_amount_24h, 125);
});

test('device risk is low on a known device and high on a new one', () => {
  const fc = new FeatureComputer();
  fc.update(tx('u', 0, 10, 'home'));
  const known = fc.update(tx('u', MIN, 10, 'home')).user_device_risk_score;
  const fresh = fc.update(tx('u', 2 * MIN, 10, 'other')).user_device_risk_score;
  const fresh2 = fc.update(tx('u', 3 * MIN, 10, 'third')).user_device_risk_score;
  assert.ok(known < 0.2, `known ${known}`);
  assert.ok(fresh >= 0.6, `fresh ${fresh}`);
  assert.ok(fresh2 > fresh, 'several new devices in a day score higher');
});

test('a device shared by several users raises the risk', () => {
  const fc = new FeatureComputer();
  fc.update(tx('a', 0, 10, 'shared'));
  const single = fc.update(tx('a', MIN, 10, 'shared')).user_device_risk_score;
  fc.update(tx('b', 0, 10, 'shared'));
  fc.update(tx('c', 0, 10, 'shared'));
  const after = fc.update(tx('a', 2 * MIN, 10, 'shared')).user_device_risk_score;
  assert.ok(after > single);
});

test('idle users are evicted after a day', () => {
  const fc = new FeatureComputer();
  fc.update(tx('a', 0, 10));
  fc.update(tx('b', 20 * HOUR, 10));
  assert.is(fc.evictIdle(25 * HOUR), 1);
  assert.is(fc.userCount, 1);
});

test('users of partitions no longer kept are forgotten; untagged users stay', () => {
  const fc = new FeatureComputer();
  fc.update(tx('a', 0, 10), 'transactions/0');
  fc.update(tx('b', 0, 10), 'transactions/1');
  fc.update(tx('c', 0, 10), 'transactions/1');
  fc.update(tx('d', 0, 10));
  assert.is(fc.retainParts(new Set(['transactions/0'])), 2);
  assert.is(fc.userCount, 2);
  // a forgotten user starts again from nothing: one transaction in its last hour
  assert.is(fc.update(tx('b', MIN, 10), 'transactions/1').user_transaction_count_1h, 1);
  assert.is(fc.update(tx('a', MIN, 10), 'transactions/0').user_transaction_count_1h, 2);
});

test('DeviceLru keeps and drops devices as a Map kept in order of use by delete and set', () => {
  // the reference: the Map FeatureComputer kept before (a device used again deleted and set, the first key dropped)
  for (const max of [0, 1, 2, 5, 40]) {
    const lru = new DeviceLru(max);
    const ref = new Map<string, string[]>();
    let x = max + 1;
    for (let i = 0; i < 5000; i++) {
      x = (Math.imul(x, 1103515245) + 12345) >>> 0;
      const device = `d${x % 60}`;
      const user = `u${(x >>> 8) % 12}`;
      let us = ref.get(device);
      if (us) ref.delete(device);
      else us = [];
      if (!us.includes(user)) {
        us.push(user);
        if (us.length > 8) us.shift();
      }
      ref.set(device, us);
      if (ref.size > max) ref.delete(ref.keys().next().value as string);
      const got = lru.touch(device);
      if (!got.includes(user)) {
        got.push(user);
        if (got.length > 8) got.shift();
      }
      assert.equal(got, us, `max ${max}, step ${i}`);
      assert.is(lru.size, ref.size);
    }
    assert.equal(lru.ids(), [...ref.keys()], `max ${max}: the order of use`);
  }
});

test.run();
