import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { AbRouter, parseWeights } from '../../../pipeline/model-server/router.ts';

test('a 90/10 split over 20 000 users lands within 1.5 points of its weights', () => {
  const r = new AbRouter(parseWeights('v1=90,v2=10'));
  const counts: Record<string, number> = { v1: 0, v2: 0 };
  for (let i = 0; i < 20_000; i++) counts[r.route(`user-${i}`)]!++;
  const share = counts.v2! / 20_000;
  assert.ok(Math.abs(share - 0.1) < 0.015, `v2 share ${share}`);
});

test('a three-way split follows its weights', () => {
  const r = new AbRouter([
    { version: 'a', weight: 1 },
    { version: 'b', weight: 1 },
    { version: 'c', weight: 2 },
  ]);
  const counts: Record<string, number> = { a: 0, b: 0, c: 0 };
  for (let i = 0; i < 20_000; i++) counts[r.route(`u${i}`)]!++;
  assert.ok(Math.abs(counts.c! / 20_000 - 0.5) < 0.02);
  assert.ok(Math.abs(counts.a! / 20_000 - 0.25) < 0.02);
});

test('routing is sticky: a user always gets the same version', () => {
  const r = new AbRouter(parseWeights('v1=50,v2=50'));
  const r2 = new AbRouter(parseWeights('v1=50,v2=50'));
  for (let i = 0; i < 500; i++) {
    const v = r.route(`user-${i}`);
    for (let k = 0; k < 3; k++) assert.is(r.route(`user-${i}`), v);
    assert.is(r2.route(`user-${i}`), v, 'another router instance (another replica) agrees');
  }
});

test('bad weights are rejected with a message naming the part', () => {
  assert.throws(() => parseWeights('v1=abc'), /bad route weight "v1=abc"/);
  assert.throws(() => new AbRouter([{ version: 'v1', weight: 0 }]), /positive weight/);
});

test.run();
