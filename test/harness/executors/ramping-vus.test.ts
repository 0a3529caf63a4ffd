import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { plan, schema, vusAt } from '../../../harness/executors/ramping-vus.ts';
import { runOn } from './helpers.ts';

const cfg = (c: object) => schema.parse({ executor: 'ramping-vus', ...c });

test('plan steps the VU count where the linear ramp reaches each integer', () => {
  const p = plan(
    cfg({
      startVUs: 0,
      stages: [
        { target: 4, duration: '4s' },
        { target: 4, duration: '2s' },
        { target: 0, duration: '2s' },
      ],
    }),
  );
  assert.equal(p.curve, [
    { atMs: 0, vus: 0 },
    { atMs: 1000, vus: 1 },
    { atMs: 2000, vus: 2 },
    { atMs: 3000, vus: 3 },
    { atMs: 4000, vus: 4 },
    { atMs: 6500, vus: 3 },
    { atMs: 7000, vus: 2 },
    { atMs: 7500, vus: 1 },
    { atMs: 8000, vus: 0 },
  ]);
  assert.is(p.durationMs, 8000);
  assert.is(p.maxVUs, 4);
  assert.is(vusAt(p, 5000), 4);
  assert.is(vusAt(p, 6999), 3);
});

test('plan treats a zero-length stage as an instant jump', () => {
  const p = plan(
    cfg({
      startVUs: 1,
      stages: [
        { target: 5, duration: '0s' },
        { target: 5, duration: '3s' },
      ],
    }),
  );
  assert.equal(p.curve, [{ atMs: 0, vus: 5 }]);
});

test('run follows the VU curve (vus gauge) and iterations scale with it', async () => {
  const { metrics, result } = await runOn(
    {
      executor: 'ramping-vus',
      startVUs: 1,
      stages: [
        { target: 3, duration: '2s' },
        { target: 3, duration: '1s' },
        { target: 1, duration: '2s' },
      ],
    },
    { type: 'function', builtin: 'sleep', ms: 100 },
  );
  const gauge = metrics.of('vus_executor').map((s) => [s.t, s.value]);
  // the step to 1 VU falls on the end (5 s) itself, where every VU stops
  assert.equal(gauge, [
    [0, 1],
    [1000, 2],
    [2000, 3],
    [4000, 2],
    [5000, 0],
  ]);
  // VU-seconds: 1·1 + 2·1 + 3·2 + 2·1 = 11 → 110 iterations of 100 ms
  assert.is(result.completed, 110);
});

test('a VU removed by a ramp-down finishes its iteration when it fits in gracefulRampDown', async () => {
  const { result } = await runOn(
    {
      executor: 'ramping-vus',
      startVUs: 2,
      gracefulRampDown: '1s',
      stages: [
        { target: 2, duration: '1s' },
        { target: 1, duration: '0s' },
        { target: 1, duration: '2s' },
      ],
    },
    { type: 'function', builtin: 'sleep', ms: 700 },
  );
  // VU 1: 0, 700, 1400, 2100 (ends 2800 < 3000), 2800 (ends 3500 after the end, within gracefulStop)
  // VU 2: 0, 700 (running at 1000 when removed; ends 1400 within the 1 s grace)
  assert.is(result.completed, 7);
});

test('a VU removed by a ramp-down is interrupted after gracefulRampDown', async () => {
  const { result, metrics } = await runOn(
    {
      executor: 'ramping-vus',
      startVUs: 2,
      gracefulRampDown: '100ms',
      stages: [
        { target: 2, duration: '1s' },
        { target: 1, duration: '0s' },
        { target: 1, duration: '2s' },
      ],
    },
    { type: 'function', builtin: 'sleep', ms: 700 },
  );
  // VU 2's second iteration (700 → 1400) is cut at 1100 and not counted
  assert.is(result.completed, 6);
  assert.is(metrics.values('latency').length, 6);
});

test.run();
