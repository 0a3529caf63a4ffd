import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { plan, schema } from '../../../harness/executors/ramping-arrival-rate.ts';
import { perSecond, runOn } from './helpers.ts';

const cfg = (c: object) => schema.parse({ executor: 'ramping-arrival-rate', ...c });

test('plan integrates the linear ramp: 0 → 100/s over 10 s is 500 iterations', () => {
  const p = plan(cfg({ startRate: 0, stages: [{ target: 100, duration: '10s' }] }));
  assert.is(p.expectedIterations, 500);
  assert.is(p.durationMs, 10_000);
  // N(t) = 5 t² (t in s): iteration 125 at t = 5 s
  assert.ok(Math.abs(p.timeOf(125) - 5000) < 1e-6);
  assert.is(p.timeOf(0), 0);
});

test('plan chains stages: ramp up, hold, ramp down', () => {
  const p = plan(
    cfg({
      startRate: 10,
      stages: [
        { target: 50, duration: '4s' },
        { target: 50, duration: '2s' },
        { target: 0, duration: '5s' },
      ],
    }),
  );
  // 120 + 100 + 125
  assert.is(p.expectedIterations, 345);
  assert.equal(
    p.segments.map((s) => s.before),
    [0, 120, 220],
  );
  assert.is(p.rateAt(2000), 30);
  assert.is(p.rateAt(5000), 50);
  // iteration 220 starts the ramp-down at 6 s; arrival times never go backwards
  assert.ok(Math.abs(p.timeOf(220) - 6000) < 1e-6);
  for (let i = 1; i < p.expectedIterations; i++) assert.ok(p.timeOf(i) > p.timeOf(i - 1), `i=${i}`);
  assert.ok(p.timeOf(p.expectedIterations - 1) < 11_000);
});

test('plan skips stages with no arrivals and honours timeUnit', () => {
  const p = plan(
    cfg({
      startRate: 0,
      timeUnit: '1m',
      stages: [
        { target: 0, duration: '5s' },
        { target: 600, duration: '10s' },
      ],
    }),
  );
  // 600/min = 10/s at the end: 50 iterations, the first at 5 s
  assert.is(p.expectedIterations, 50);
  assert.is(p.timeOf(0), 5000);
});

test('run follows the ramp second by second', async () => {
  const { result, metrics } = await runOn(
    {
      executor: 'ramping-arrival-rate',
      startRate: 0,
      stages: [
        { target: 100, duration: '5s' },
        { target: 100, duration: '2s' },
      ],
      preAllocatedVUs: 5,
    },
    { type: 'function', builtin: 'sleep', ms: 1 },
  );
  assert.is(result.scheduled, 450);
  assert.is(result.completed, 450);
  const secs = perSecond(metrics);
  // ∫ over second k of 20·t = 10(2k+1): 10, 30, 50, 70, 90, then 100, 100
  assert.equal(secs.slice(0, 7), [10, 30, 50, 70, 90, 100, 100]);
});

test('schema rejects an empty stage list and negative targets with paths', () => {
  const r = schema.safeParse({ executor: 'ramping-arrival-rate', stages: [] });
  assert.not.ok(r.success);
  const r2 = schema.safeParse({ executor: 'ramping-arrival-rate', stages: [{ target: -1, duration: '1s' }] });
  assert.not.ok(r2.success);
  assert.equal(r2.error?.issues[0]?.path, ['stages', 0, 'target']);
});

test.run();
