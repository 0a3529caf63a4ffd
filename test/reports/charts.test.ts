import { renderSvg } from '../../reports/render.ts';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { CHART_FONT } from '../../reports/chart-base.ts';
import {
  chartSpecs,
  errorsSpec,
  latencyHistogramSpec,
  latencyOverTimeSpec,
  throughputSpec,
} from '../../reports/charts.ts';
import type { MetricData } from '../../results/types.ts';
import { loadFixture } from './fixture.ts';

type Values = Record<string, unknown>[];
// the data layer of a (possibly layered) spec
const data = (spec: unknown): Values => {
  const s = spec as { data?: { values: Values }; layer?: { data: { values: Values } }[] };
  return s.data?.values ?? s.layer![s.layer!.length - 1]!.data.values;
};

test('latency over time has p50, p90 and p99 for every second with samples', () => {
  const s = loadFixture();
  const v = data(latencyOverTimeSpec(s));
  assert.is(v.length, s.timeseries.points.length * 3);
  const at7 = v.filter((x) => x.t === 7);
  assert.equal(
    at7.map((x) => x.percentile),
    ['p50', 'p90', 'p99'],
  );
  assert.ok((at7[2]!.ms as number) > 100, 'the stall at t=7 s shows in p99');
});

test('a run that observed end-to-end results charts e2e_latency, not the produce latency', () => {
  const s = loadFixture();
  const e2e = structuredClone(s);
  e2e.metrics.e2e_latency = { ...s.metrics.latency!, max: 4321 } as MetricData;
  e2e.timeseries.points = s.timeseries.points.map((p) => ({
    ...p,
    e2e_latency: { ...(p.latency as object), p99: 999 },
  }));
  const title = (spec: unknown) => JSON.stringify((spec as { title?: unknown }).title ?? '');
  assert.match(title(latencyOverTimeSpec(e2e)), 'e2e_latency');
  assert.ok(
    data(latencyOverTimeSpec(e2e))
      .filter((x) => x.percentile === 'p99')
      .every((x) => x.ms === 999),
  );
  assert.not.match(title(latencyOverTimeSpec(s)), 'e2e_latency');
});

test('the histogram is decoded from the HDR data and accounts for every sample', () => {
  const s = loadFixture();
  const v = data(latencyHistogramSpec(s));
  const total = v.reduce((a, x) => a + (x.count as number), 0);
  assert.is(total, (s.metrics.latency as { count: number }).count);
});

test('throughput is iterations per second and dropped per second; errors per second by reason', () => {
  const s = loadFixture();
  const t = data(throughputSpec(s));
  assert.equal(
    t.filter((x) => x.t === 7).map((x) => [x.series, x.perSec]),
    [
      ['iterations/s', 185],
      ['dropped/s', 15],
    ],
  );
  const e = data(errorsSpec(s));
  // errors is a Rate: failed = samples × share; dropped iterations are a reason of their own
  const p7 = s.timeseries.points[7]!.errors as { count: number; value: number };
  const at7 = Object.fromEntries(e.filter((x) => x.t === 7).map((x) => [x.reason, x.count]));
  assert.equal(at7, { 'failed iterations': Math.round(p7.count * p7.value), 'dropped iterations': 15 });
  assert.ok(
    (at7['failed iterations'] as number) > 5 && (at7['failed iterations'] as number) < p7.count,
    'the stall second has some, not all, failures',
  );
  // only seconds with something to show carry a bar
  assert.ok(e.every((x) => (x.count as number) > 0));
});

test('every chart names the chart font and the set has five charts', () => {
  const specs = chartSpecs(loadFixture());
  assert.equal(Object.keys(specs), [
    'latency-percentiles',
    'latency-histogram',
    'throughput',
    'errors',
    'response-ranges',
  ]);
  for (const spec of Object.values(specs)) assert.is((spec as { config: { font: string } }).config.font, CHART_FONT);
});

test('a chart with nothing to show says so, with no axes', async () => {
  const s = { ...loadFixture(), metrics: {}, timeseries: { intervalMs: 1000, points: [] } };
  for (const spec of [latencyHistogramSpec(s), latencyOverTimeSpec(s), errorsSpec(s)]) {
    const svg = await renderSvg(spec);
    assert.match(svg, /no (latency was recorded|errors: nothing failed)/);
    assert.not.match(svg, /0\.000000|aria-roledescription="axis"/);
  }
  // a run whose seconds all had zero errors: the errors chart says so instead of an axis at 0.000000
  const clean = loadFixture();
  for (const p of clean.timeseries.points) {
    p.errors = { count: 200, value: 0 };
    p.dropped_iterations = { count: 0 };
  }
  assert.match(await renderSvg(errorsSpec(clean)), 'no errors: nothing failed, was dropped or dead-lettered');
});

test.run();
