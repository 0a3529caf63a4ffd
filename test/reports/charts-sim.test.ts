import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { RunSummary } from '../../results/types.ts';
import { chartSpecs } from '../../reports/charts.ts';
import { lagOverTimeSpec, replicaTimelineSpec, simTimelineSpec } from '../../reports/charts-sim.ts';
import { renderSvg } from '../../reports/render.ts';
import { loadFixture, simulatedSpike } from './fixture.ts';

type Layer = { data?: { values: Record<string, unknown>[] }; mark: unknown };
const layers = (spec: unknown) => (spec as { layer: Layer[] }).layer;

function simulated(): RunSummary {
  const s = loadFixture();
  return {
    ...s,
    durationMs: 60_000,
    timeseries: {
      intervalMs: 1000,
      points: [{ t: 0, consumer_lag: { value: 5 } }, { t: 1000, consumer_lag: { value: 900 } }, { t: 2000 }],
    },
    extra: {
      sim: {
        replicaTimeline: [
          { t: 0, group: 'consumers', replicas: 2, ready: 2 },
          { t: 10_000, group: 'consumers', replicas: 4, ready: 2 },
          { t: 40_000, group: 'consumers', replicas: 4, ready: 4 },
          { t: 50_000, group: 'consumers', replicas: 3, ready: 3 },
        ],
        decisions: [],
        sloP99Ms: 500,
        sloViolationMinutes: 0,
        maxLag: 900,
        generated: 1,
        processed: 1,
        rebalances: 0,
        loadChangeAtMs: 5000,
      },
    },
  };
}

test('the replica timeline steps through every change to the end of the run and marks each decision', () => {
  const [rule, steps, marks] = layers(replicaTimelineSpec(simulated()));
  assert.equal(rule!.data!.values, [{ t: 5, label: 'load change' }]);
  const replicas = steps!.data!.values.filter((v) => v.series === 'replicas').map((v) => [v.t, v.replicas]);
  assert.equal(replicas, [
    [0, 2],
    [10, 4],
    [40, 4],
    [50, 3],
    [60, 3],
  ]);
  const ready = steps!.data!.values.filter((v) => v.series === 'ready').map((v) => [v.t, v.replicas]);
  assert.equal(ready, [
    [0, 2],
    [10, 2],
    [40, 4],
    [50, 3],
    [60, 3],
  ]);
  assert.equal(marks!.data!.values, [
    { t: 10, group: 'consumers', replicas: 4, decision: 'scale-out' },
    { t: 50, group: 'consumers', replicas: 3, decision: 'scale-in' },
  ]);
});

test('a flapping run with more decisions than the cap draws the steps without markers, and says so', () => {
  const s = simulated();
  const tl = (s.extra!.sim as { replicaTimeline: unknown[] }).replicaTimeline;
  for (let i = 0; i < 250; i++) tl.push({ t: 50_000 + i, group: 'consumers', replicas: 3 + (i % 2), ready: 3 });
  const spec = replicaTimelineSpec(s) as unknown as { title: string; layer: Layer[] };
  assert.is(spec.layer.length, 2, 'load-change rule and steps only');
  assert.match(spec.title, 'too many to mark');
});

test('the lag chart takes consumer_lag from the time series', () => {
  const l = layers(lagOverTimeSpec(simulated())).at(-1)!;
  assert.equal(l.data!.values, [
    { t: 0, lag: 5 },
    { t: 1, lag: 900 },
  ]);
});

test('chartSpecs adds the simulation charts only for a simulated run, and they render', async () => {
  assert.equal(Object.keys(chartSpecs(loadFixture())), [
    'latency-percentiles',
    'latency-histogram',
    'throughput',
    'errors',
    'response-ranges',
  ]);
  const specs = chartSpecs(simulated());
  assert.equal(Object.keys(specs), [
    'latency-percentiles',
    'latency-histogram',
    'throughput',
    'errors',
    'response-ranges',
    'sim-replicas',
    'sim-lag',
  ]);
  const svg = await renderSvg(specs['sim-replicas']!);
  assert.match(svg, '<svg');
  assert.match(svg, 'replicas per group');
});

test('the combined timeline chart spec has replicas per group, lag and p99 for every second', () => {
  const run = simulatedSpike();
  const spec = simTimelineSpec(run) as unknown as { vconcat: { data?: { values: unknown[] } }[] };
  assert.is(spec.vconcat.length, 3);
  assert.is(spec.vconcat[0]!.data!.values.length, 150 * 3);
  assert.is(spec.vconcat[1]!.data!.values.length, 150);
});

test.run();
