import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { plan, schema } from '../../../harness/executors/per-vu-iterations.ts';
import { runOn } from './helpers.ts';

test('plan knows the exact iteration count and the maxDuration cap', () => {
  const p = plan(schema.parse({ executor: 'per-vu-iterations', vus: 5, iterations: 20, maxDuration: '1m' }));
  assert.is(p.expectedIterations, 100);
  assert.is(p.durationMs, 60_000);
  assert.is(p.iterationsPerVu, 20);
});

test('plan defaults to 1 VU, 1 iteration, 10 minutes (k6)', () => {
  const p = plan(schema.parse({ executor: 'per-vu-iterations' }));
  assert.is(p.expectedIterations, 1);
  assert.is(p.durationMs, 600_000);
});

test('run gives each VU exactly its iterations and ends when they are done', async () => {
  const vus = new Map<number, number>();
  const target = {
    kind: 'count',
    async setup() {},
    async iterate(it: { vu: number }) {
      vus.set(it.vu, (vus.get(it.vu) ?? 0) + 1);
      return { ok: true };
    },
    async teardown() {},
    services: () => ({}),
  };
  const { result } = await runOn({ executor: 'per-vu-iterations', vus: 3, iterations: 7 }, target);
  assert.is(result.completed, 21);
  assert.equal([...vus.entries()].sort(), [
    [1, 7],
    [2, 7],
    [3, 7],
  ]);
});

test('run stops at maxDuration when iterations take too long', async () => {
  const { result, endedAt } = await runOn(
    { executor: 'per-vu-iterations', vus: 2, iterations: 100, maxDuration: '1s', gracefulStop: '0s' },
    { type: 'function', builtin: 'sleep', ms: 300 },
  );
  // each VU: 0, 300, 600, 900 started; the one started at 900 is cut at 1000 by a zero gracefulStop
  assert.is(result.scheduled, 8);
  assert.is(result.completed, 6);
  assert.is(endedAt, 1000);
});

test.run();
