/**
 * timeSeriesColumns: the summary's per-second points as tidy columns, and that arquero (the
 * notebooks' data-frame library) takes them as a table directly.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as aq from 'arquero';
import { timeSeriesColumns } from '../../reports/timeseries.ts';
import { loadFixture } from './fixture.ts';

test('every column has one row per second of the time series', () => {
  const s = loadFixture();
  const c = timeSeriesColumns(s);
  const n = s.timeseries.points.length;
  assert.ok(n > 2);
  for (const [name, col] of Object.entries(c)) assert.is((col as unknown[]).length, n, name);
  assert.equal(c.second.slice(0, 3), [0, 1, 2]);
});

test('percentiles, counts and error shares come from the points; failed iterations are count × share', () => {
  const s = loadFixture();
  const c = timeSeriesColumns(s);
  const p = s.timeseries.points[2]! as unknown as Record<string, Record<string, number>>;
  assert.is(c.p99[2], p.latency!.p99);
  assert.is(c.iterations[2], p.iterations!.count);
  assert.is(c.errorRate[2], p.errors!.value);
  assert.is(c.errors[2], Math.round(p.errors!.count! * p.errors!.value!));
});

test('seconds inside the warm-up are flagged', () => {
  const s = { ...loadFixture(), warmupMs: 1500 };
  assert.equal(timeSeriesColumns(s).warmup.slice(0, 3), [true, true, false]);
});

test('a second without a metric gets NaN for percentiles and 0 for counts', () => {
  const s = loadFixture();
  const empty = { ...s, timeseries: { ...s.timeseries, points: [{ t: 0 }] } };
  const c = timeSeriesColumns(empty);
  assert.ok(Number.isNaN(c.p99[0]!));
  assert.is(c.iterations[0], 0);
});

test('arquero builds a table from the columns and groups it', () => {
  const s = { ...loadFixture(), warmupMs: 1000 };
  const t = aq.table(timeSeriesColumns(s));
  assert.is(t.numRows(), s.timeseries.points.length);
  const g = t
    .groupby('warmup')
    .rollup({ seconds: aq.op.count(), iterations: aq.op.sum('iterations') })
    .orderby('warmup')
    .objects() as { warmup: boolean; seconds: number; iterations: number }[];
  assert.equal(
    g.map((r) => r.warmup),
    [false, true],
  );
  assert.is(g[0]!.seconds + g[1]!.seconds, s.timeseries.points.length);
  assert.is(
    g[0]!.iterations + g[1]!.iterations,
    timeSeriesColumns(s).iterations.reduce((a, b) => a + b, 0),
  );
});

test.run();
