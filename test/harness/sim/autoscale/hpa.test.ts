import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Hpa, type HpaSpec } from '../../../../harness/sim/autoscale/hpa.ts';
import type { PodSample } from '../../../../harness/sim/autoscale/types.ts';

const cpu = (target: number): HpaSpec['metrics'][number] => ({
  type: 'Resource',
  name: 'cpu',
  target: { type: 'Utilization', value: target },
});
const pods = (ready: (number | undefined)[], notReady = 0): PodSample[] => [
  ...ready.map((v) => ({ ready: true, values: { cpu: v } })),
  ...Array.from({ length: notReady }, () => ({ ready: false, values: {} })),
];
const even = (n: number, v: number) => pods(Array(n).fill(v));

test('inside the ±0.1 tolerance band nothing changes; just outside it the ceiling of ratio × pods is taken', () => {
  const h = new Hpa({ maxReplicas: 20, metrics: [cpu(50)] });
  assert.is(h.decide({ nowMs: 0, currentReplicas: 4, pods: even(4, 54) }).final, 4); // ratio 1.08
  assert.is(h.decide({ nowMs: 15_000, currentReplicas: 4, pods: even(4, 55) }).final, 4); // ratio 1.10 (edge: inside)
  assert.is(h.decide({ nowMs: 30_000, currentReplicas: 4, pods: even(4, 56) }).final, 5); // ceil(1.12 × 4) = 5
});

test('a per-direction tolerance (KEP-4951) widens only its side of the band', () => {
  const h = new Hpa({
    maxReplicas: 20,
    metrics: [cpu(50)],
    behavior: { scaleUp: { tolerance: 0 }, scaleDown: { tolerance: 0.5, stabilizationWindowSeconds: 0 } },
  });
  assert.is(h.decide({ nowMs: 0, currentReplicas: 4, pods: even(4, 52) }).final, 5); // ratio 1.04 > 1 + 0
  assert.is(h.decide({ nowMs: 15_000, currentReplicas: 5, pods: even(5, 30) }).final, 5); // ratio 0.6 ≥ 1 − 0.5
});

test('the ceiling is guarded against floating-point noise', () => {
  const h = new Hpa({ maxReplicas: 20, metrics: [cpu(70)] });
  // 10 pods × 0.7·10/0.7 would be 10.000000000000002 → 11 without the guard; ratio 1.43 → ceil(14.2857)
  assert.is(h.decide({ nowMs: 0, currentReplicas: 10, pods: even(10, 100) }).final, 15);
  const e = new Hpa({
    maxReplicas: 20,
    metrics: [{ type: 'External', name: 'q', target: { type: 'AverageValue', value: 0.1 } }],
  });
  assert.is(e.decide({ nowMs: 0, currentReplicas: 1, pods: [], external: { q: 0.7 } }).final, 4); // legacy cap max(2,4)
  // 0.7/0.1 = 7.000000000000001
  assert.is(e.decide({ nowMs: 15_000, currentReplicas: 4, pods: [], external: { q: 0.7 } }).recommendation, 7);
});

test('without behavior, scale-up is capped at max(2 × current, 4) and at maxReplicas', () => {
  const h = new Hpa({ maxReplicas: 100, metrics: [cpu(10)] });
  assert.is(h.decide({ nowMs: 0, currentReplicas: 1, pods: even(1, 100) }).final, 4);
  assert.is(h.decide({ nowMs: 15_000, currentReplicas: 5, pods: even(5, 100) }).final, 10);
  const small = new Hpa({ maxReplicas: 7, metrics: [cpu(10)] });
  assert.is(small.decide({ nowMs: 0, currentReplicas: 5, pods: even(5, 100) }).final, 7);
});

test('without behavior, scale-down waits for the 300 s downscale stabilization window (max of recommendations)', () => {
  const h = new Hpa({ maxReplicas: 20, metrics: [cpu(50)] });
  assert.is(h.decide({ nowMs: 0, currentReplicas: 10, pods: even(10, 50) }).final, 10);
  for (let t = 15_000; t <= 300_000; t += 15_000) {
    const d = h.decide({ nowMs: t, currentReplicas: 10, pods: even(10, 25) });
    assert.is(d.recommendation, 5);
    assert.is(d.final, 10, `t=${t}`); // the t=0 recommendation (10) is still in the window, at the cutoff included
  }
  assert.is(h.decide({ nowMs: 315_000, currentReplicas: 10, pods: even(10, 25) }).final, 5);
});

test('behavior scale-up policies: Max of 4 pods and 100 % per 15 s, counted from the start of the period', () => {
  const h = new Hpa({ maxReplicas: 100, metrics: [cpu(10)], behavior: {} });
  assert.is(h.decide({ nowMs: 0, currentReplicas: 2, pods: even(2, 100) }).final, 6); // max(2+4, 2·2)
  assert.is(h.decide({ nowMs: 10_000, currentReplicas: 6, pods: even(6, 100) }).final, 6); // period started at 2
  assert.is(h.decide({ nowMs: 15_000, currentReplicas: 6, pods: even(6, 100) }).final, 12); // new period: max(10, 12)
});

test('selectPolicy Min takes the smaller limit and Disabled blocks the direction', () => {
  const min = new Hpa({ maxReplicas: 100, metrics: [cpu(10)], behavior: { scaleUp: { selectPolicy: 'Min' } } });
  assert.is(min.decide({ nowMs: 0, currentReplicas: 2, pods: even(2, 100) }).final, 4); // min(6, 4)
  const off = new Hpa({ maxReplicas: 100, metrics: [cpu(10)], behavior: { scaleUp: { selectPolicy: 'Disabled' } } });
  assert.is(off.decide({ nowMs: 0, currentReplicas: 2, pods: even(2, 100) }).final, 2);
  const downMin = new Hpa({
    maxReplicas: 100,
    metrics: [cpu(50)],
    behavior: {
      scaleDown: {
        stabilizationWindowSeconds: 0,
        selectPolicy: 'Min',
        policies: [
          { type: 'Pods', value: 1, periodSeconds: 60 },
          { type: 'Percent', value: 50, periodSeconds: 60 },
        ],
      },
    },
  });
  assert.is(downMin.decide({ nowMs: 0, currentReplicas: 10, pods: even(10, 5) }).final, 9); // Min change: max(9, 5)
  // period start 10 → 9 already used
  assert.is(downMin.decide({ nowMs: 30_000, currentReplicas: 9, pods: even(9, 5) }).final, 9);
  const downMax = new Hpa({
    maxReplicas: 100,
    metrics: [cpu(50)],
    behavior: {
      scaleDown: {
        stabilizationWindowSeconds: 0,
        policies: [
          { type: 'Pods', value: 1, periodSeconds: 60 },
          { type: 'Percent', value: 50, periodSeconds: 60 },
        ],
      },
    },
  });
  assert.is(downMax.decide({ nowMs: 0, currentReplicas: 10, pods: even(10, 5) }).final, 5); // Max change: min(9, 5)
});

test('behavior scale-up stabilization takes the minimum recommendation in its window', () => {
  const h = new Hpa({
    maxReplicas: 100,
    metrics: [cpu(50)],
    behavior: { scaleUp: { stabilizationWindowSeconds: 60 } },
  });
  assert.is(h.decide({ nowMs: 0, currentReplicas: 4, pods: even(4, 50) }).final, 4);
  for (const t of [15_000, 30_000, 45_000])
    assert.is(h.decide({ nowMs: t, currentReplicas: 4, pods: even(4, 100) }).final, 4);
  const d = h.decide({ nowMs: 60_000, currentReplicas: 4, pods: even(4, 100) }); // t=0 (4) leaves the window
  assert.is(d.stabilized, 8);
  assert.is(d.final, 8);
});

test('behavior scale-down stabilization keeps the maximum recommendation of the last 300 s', () => {
  const h = new Hpa({ maxReplicas: 100, metrics: [cpu(50)], behavior: {} });
  assert.is(h.decide({ nowMs: 0, currentReplicas: 8, pods: even(8, 50) }).final, 8);
  assert.is(h.decide({ nowMs: 290_000, currentReplicas: 8, pods: even(8, 25) }).final, 8);
  // t=0 is no longer after the cutoff
  assert.is(h.decide({ nowMs: 300_000, currentReplicas: 8, pods: even(8, 25) }).final, 4);
});

test('not-ready pods count as 0 on scale-up, and no change when that lands in the band or flips direction', () => {
  const h = new Hpa({ maxReplicas: 20, metrics: [cpu(50)] });
  // 3 ready at 70 (ratio 1.4) + 1 not ready → 210 / (4·50) = 1.05: inside tolerance
  assert.is(h.decide({ nowMs: 0, currentReplicas: 4, pods: pods([70, 70, 70], 1) }).final, 4);
  // 2 ready at 80 + 2 not ready → 0.8: flips direction
  assert.is(h.decide({ nowMs: 15_000, currentReplicas: 4, pods: pods([80, 80], 2) }).final, 4);
  // 3 ready at 100 + 1 not ready → 300 / 200 = 1.5 → ceil(6)
  assert.is(h.decide({ nowMs: 30_000, currentReplicas: 4, pods: pods([100, 100, 100], 1) }).final, 6);
  // not-ready pods are ignored on scale-down: 2 ready at 10 → ceil(0.2 × 2) = 1
  const d = new Hpa({ maxReplicas: 20, metrics: [cpu(50)], downscaleStabilizationMs: 0 });
  assert.is(d.decide({ nowMs: 0, currentReplicas: 4, pods: pods([10, 10], 2) }).final, 1);
});

test('pods with a missing metric count as at-target on scale-down and 0 on scale-up', () => {
  const h = new Hpa({ maxReplicas: 20, metrics: [cpu(50)], downscaleStabilizationMs: 0 });
  // 2 at 25, 2 missing → (50 + 100) / 200 = 0.75 → 3
  assert.is(h.decide({ nowMs: 0, currentReplicas: 4, pods: pods([25, 25, undefined, undefined]) }).final, 3);
  // 2 at 100, 2 missing → 200 / 200 = 1.0: no change
  assert.is(h.decide({ nowMs: 15_000, currentReplicas: 4, pods: pods([100, 100, undefined, undefined]) }).final, 4);
});

test('with several metrics the largest proposal wins; a missing metric blocks a scale-down', () => {
  const h = new Hpa({
    maxReplicas: 20,
    downscaleStabilizationMs: 0,
    metrics: [cpu(50), { type: 'External', name: 'lag', target: { type: 'AverageValue', value: 100 } }],
  });
  const d = h.decide({ nowMs: 0, currentReplicas: 4, pods: even(4, 50), external: { lag: 700 } });
  assert.is(d.recommendation, 7);
  assert.equal(d.metrics, { cpu: 50, lag: 700 });
  const m = h.decide({ nowMs: 15_000, currentReplicas: 7, pods: even(7, 10), external: { lag: undefined } });
  assert.is(m.final, 7);
  assert.match(m.reason, /missing/);
});

test('min and max clamp the result; current outside [min, max] is moved to the bound', () => {
  const h = new Hpa({ minReplicas: 3, maxReplicas: 6, metrics: [cpu(50)], downscaleStabilizationMs: 0 });
  assert.is(h.decide({ nowMs: 0, currentReplicas: 5, pods: even(5, 5) }).final, 3);
  assert.is(h.decide({ nowMs: 15_000, currentReplicas: 9, pods: even(9, 50) }).final, 6);
  assert.is(h.decide({ nowMs: 30_000, currentReplicas: 2, pods: even(2, 50) }).final, 3);
  assert.is(h.decide({ nowMs: 45_000, currentReplicas: 0, pods: [] }).final, 0); // scaling disabled at 0
});

test('every decision is logged with its inputs and a reason', () => {
  const h = new Hpa({ name: 'cpu-hpa', target: 'processors', maxReplicas: 10, metrics: [cpu(50)] });
  h.decide({ nowMs: 0, currentReplicas: 1, pods: even(1, 500) });
  assert.is(h.log.length, 1);
  const d = h.log[0]!;
  assert.equal(
    { ...d, reason: undefined },
    {
      timeMs: 0,
      controller: 'cpu-hpa',
      target: 'processors',
      metrics: { cpu: 500 },
      current: 1,
      recommendation: 10,
      stabilized: 10,
      final: 4,
      reason: undefined,
      metric: 'cpu',
    },
  );
  assert.match(d.reason, /scale-up limit/);
});

test('with behavior but no scale-down window, the controller flag (downscaleStabilizationMs) applies', () => {
  const h = new Hpa({
    maxReplicas: 100,
    metrics: [cpu(50)],
    behavior: { scaleUp: {} },
    downscaleStabilizationMs: 30_000,
  });
  assert.is(h.decide({ nowMs: 0, currentReplicas: 8, pods: even(8, 50) }).final, 8);
  assert.is(h.decide({ nowMs: 15_000, currentReplicas: 8, pods: even(8, 25) }).final, 8);
  assert.is(h.decide({ nowMs: 30_000, currentReplicas: 8, pods: even(8, 25) }).final, 4);
});

test('an Object metric with a Value target scales by ratio × ready pods', () => {
  const h = new Hpa({
    maxReplicas: 20,
    metrics: [{ type: 'Object', name: 'miss', target: { type: 'Value', value: 15 } }],
  });
  // 30 % misses vs 15 %: ratio 2 × 3 ready pods (1 not ready) = 6
  assert.is(h.decide({ nowMs: 0, currentReplicas: 4, pods: pods([1, 1, 1], 1), external: { miss: 30 } }).final, 6);
});

test.run();
