import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { plan, schema } from '../../../harness/executors/constant-arrival-rate.ts';
import type { Target } from '../../../harness/targets/api.ts';
import { runOn } from './helpers.ts';

test('plan spaces iterations evenly over the duration and counts them exactly', () => {
  const p = plan(schema.parse({ executor: 'constant-arrival-rate', rate: 50, timeUnit: '1s', duration: '10s' }));
  assert.is(p.expectedIterations, 500);
  assert.is(p.durationMs, 10_000);
  assert.is(p.timeOf(0), 0);
  assert.is(p.timeOf(1), 20);
  assert.is(p.timeOf(499), 9980);
  assert.is(p.gracefulStopMs, 30_000);
});

test('plan honours timeUnit, startTime and a rate that does not divide the duration', () => {
  const p = plan(
    schema.parse({ executor: 'constant-arrival-rate', rate: 3, timeUnit: '1m', duration: '50s', startTime: '5s' }),
  );
  // one every 20 s: at 0, 20, 40 s
  assert.is(p.expectedIterations, 3);
  assert.is(p.timeOf(2), 40_000);
  assert.is(p.startMs, 5000);
});

test('plan defaults maxVUs to preAllocatedVUs (k6) and rejects maxVUs below it', () => {
  assert.is(
    plan(schema.parse({ executor: 'constant-arrival-rate', rate: 1, duration: '1s', preAllocatedVUs: 7 })).maxVUs,
    7,
  );
  assert.not.ok(
    schema.safeParse({ executor: 'constant-arrival-rate', rate: 1, duration: '1s', preAllocatedVUs: 7, maxVUs: 3 })
      .success,
  );
});

test('run starts every planned iteration at its intended time on the virtual clock', async () => {
  const starts: number[] = [];
  const target: Target = {
    kind: 'spy',
    async setup() {},
    async iterate(it) {
      starts.push(it.intendedStartMs);
      return { ok: true };
    },
    async teardown() {},
    services: () => ({}),
  };
  const { result, metrics } = await runOn({ executor: 'constant-arrival-rate', rate: 100, duration: '5s' }, target);
  assert.is(result.scheduled, 500);
  assert.is(result.completed, 500);
  assert.is(result.dropped, 0);
  assert.is(metrics.sum('iterations'), 500);
  assert.equal(starts.slice(0, 3), [0, 10, 20]);
  assert.is(starts[499], 4990);
});

test('run adds VUs up to maxVUs and drops iterations beyond them (dropped_iterations)', async () => {
  // each iteration takes 100 ms at 100/s → 10 VUs needed; only 4 allowed
  const { result, metrics } = await runOn(
    { executor: 'constant-arrival-rate', rate: 100, duration: '2s', preAllocatedVUs: 2, maxVUs: 4 },
    { type: 'function', builtin: 'sleep', ms: 100 },
  );
  assert.is(result.scheduled, 200);
  assert.is(result.completed + result.dropped, 200);
  // 4 VUs × 100 ms per iteration = 40 iterations/s can run
  assert.ok(result.completed >= 76 && result.completed <= 84, `completed ${result.completed}`);
  assert.is(metrics.sum('dropped_iterations'), result.dropped);
  assert.is(Math.max(...metrics.values('vus_executor')), 4);
});

test('run with enough VUs drops nothing and measures latency from the intended start', async () => {
  const { result, metrics } = await runOn(
    { executor: 'constant-arrival-rate', rate: 100, duration: '2s', preAllocatedVUs: 2, maxVUs: 50 },
    { type: 'function', builtin: 'sleep', ms: 100 },
  );
  assert.is(result.dropped, 0);
  assert.is(result.completed, 200);
  assert.is(Math.max(...metrics.values('vus_executor')), 10);
  assert.ok(metrics.values('latency').every((v) => v === 100));
});

test('samples carry the executor tags; outcome tags are added per sample', async () => {
  const target: Target = {
    kind: 'tagger',
    async setup() {},
    async iterate(it) {
      return { ok: it.iteration % 2 === 0, tags: { parity: String(it.iteration % 2) } };
    },
    async teardown() {},
    services: () => ({}),
  };
  const { metrics } = await runOn({ executor: 'constant-arrival-rate', rate: 10, duration: '1s' }, target);
  const lat = metrics.of('latency');
  assert.ok(lat.every((s) => s.tags.executor === 'main'));
  assert.is(lat.filter((s) => s.tags.parity === '1').length, 5);
  assert.is(metrics.sum('errors'), 5);
});

test('a target that throws counts as a failed iteration, not a crash', async () => {
  const target: Target = {
    kind: 'thrower',
    async setup() {},
    iterate() {
      throw new Error('boom');
    },
    async teardown() {},
    services: () => ({}),
  };
  const { result, metrics } = await runOn({ executor: 'constant-arrival-rate', rate: 10, duration: '1s' }, target);
  assert.is(result.completed, 10);
  assert.is(metrics.sum('errors'), 10);
});

test('aborting stops new iterations and waits for in-flight ones', async () => {
  const { result, endedAt } = await runOn(
    { executor: 'constant-arrival-rate', rate: 10, duration: '10s' },
    { type: 'function', builtin: 'sleep', ms: 250 },
    { abortAtMs: 1050 },
  );
  assert.is(result.scheduled, 11);
  assert.is(result.completed, 11);
  assert.is(endedAt, 1250);
});

test('in-flight iterations past gracefulStop are interrupted and not counted', async () => {
  const { result, endedAt, metrics } = await runOn(
    { executor: 'constant-arrival-rate', rate: 1, duration: '3s', gracefulStop: '1s', preAllocatedVUs: 5 },
    { type: 'function', builtin: 'sleep', ms: 2500 },
  );
  // iterations at 0, 1, 2 s; the run stops at 3 s + 1 s grace: the one started at 2 s is cut off
  assert.is(result.scheduled, 3);
  assert.is(result.completed, 2);
  assert.is(endedAt, 4000);
  assert.is(metrics.values('latency').length, 2);
});

test.run();
