import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Rng } from '../../../generators/rng.ts';
import { createRegistry } from '../../../harness/metrics/registry.ts';
import { closingRegistries } from '../../helpers/registry.ts';
import { decodeHistogram, mergeEncoded, toMicros } from '../../../results/hdr.ts';
import type { CounterData, GaugeData, RateData, TimePointValue, TrendData } from '../../../results/types.ts';

const reg = closingRegistries(test);

function brute(sorted: number[], p: number): number {
  return sorted[Math.max(1, Math.ceil((p / 100) * sorted.length)) - 1]!;
}

for (const build of ['wasm', 'js'] as const) {
  test(`trend figures match a brute-force sort within HDR precision (${build} build)`, () => {
    const r = reg({ hdr: build });
    const lat = r.trend('latency');
    const rng = new Rng(9);
    const vals: number[] = [];
    for (let i = 0; i < 30_000; i++) {
      const v = 0.2 + rng.next() * rng.next() * 800;
      vals.push(v);
      lat.add(v, i / 10); // 10 values per ms: spans 3 seconds
    }
    const t = r.snapshot(3000).latency as TrendData;
    const sorted = vals.map((x) => toMicros(x) / 1000).sort((a, b) => a - b);
    assert.is(t.count, 30_000);
    assert.is(t.min, Math.min(...vals));
    assert.is(t.max, Math.max(...vals));
    const mean = vals.reduce((s, x) => s + x, 0) / vals.length;
    assert.ok(Math.abs(t.mean - mean) < 1e-6 * mean);
    for (const [k, p] of [
      ['p50', 50],
      ['p90', 90],
      ['p95', 95],
      ['p99', 99],
      ['p99.9', 99.9],
    ] as const) {
      const want = brute(sorted, p);
      assert.ok(Math.abs(t[k] - want) <= want * 0.001 + 0.001, `${k}: ${t[k]} vs ${want}`);
    }
    // the encoded histogram is the same data
    assert.is(decodeHistogram(t.hdr).count, 30_000);
  });
}

test('the wasm and js builds encode the same histogram', () => {
  const a = reg({ hdr: 'wasm' }),
    b = reg({ hdr: 'js' });
  for (let i = 0; i < 1000; i++) {
    a.trend('x').add(i * 1.37, 10);
    b.trend('x').add(i * 1.37, 10);
  }
  const ha = decodeHistogram((a.snapshot(1500).x as TrendData).hdr),
    hb = decodeHistogram((b.snapshot(1500).x as TrendData).hdr);
  for (const p of [1, 50, 99, 100]) assert.is(ha.percentile(p), hb.percentile(p));
});

test('a tagged sample counts toward the metric and toward each tracked sub-metric it matches', () => {
  const r = reg();
  const k200 = r.track('latency', { status: '200' });
  const kBoth = r.track('latency', { status: '200', scenario: 'a' });
  assert.is(k200, 'latency{status:200}');
  assert.is(kBoth, 'latency{status:200,scenario:a}');
  const lat = r.trend('latency');
  lat.add(10, 0, { status: '200', scenario: 'a' });
  lat.add(20, 0, { status: '200', scenario: 'b' });
  lat.add(30, 0, { status: '500', scenario: 'a' });
  lat.add(40, 0);
  const s = r.snapshot(500);
  assert.is((s.latency as TrendData).count, 4);
  assert.is((s[k200] as TrendData).count, 2);
  assert.is((s[k200] as TrendData).max, 20);
  assert.is((s[kBoth] as TrendData).count, 1);
  assert.is((s[kBoth] as TrendData).max, 10);
});

test('sub-metrics work for counters, rates and gauges, and track() may come after the metric exists', () => {
  const r = reg();
  const c = r.counter('iterations');
  const kc = r.track('iterations', { scenario: 'a' });
  const e = r.rate('errors');
  const ke = r.track('errors', { scenario: 'a' });
  const g = r.gauge('vus');
  const kg = r.track('vus', { scenario: 'a' });
  c.add(1, 0, { scenario: 'a' });
  c.add(2, 0, { scenario: 'b' });
  e.add(true, 0, { scenario: 'a' });
  e.add(false, 0, { scenario: 'a' });
  e.add(true, 0, { scenario: 'b' });
  g.set(5, 0, { scenario: 'a' });
  g.set(9, 0, { scenario: 'b' });
  const s = r.snapshot(1000);
  assert.is((s.iterations as CounterData).count, 3);
  assert.is((s[kc] as CounterData).count, 1);
  assert.equal(s[ke], { type: 'rate', passes: 1, fails: 1, rate: 0.5 });
  assert.is((s.errors as RateData).rate, 2 / 3);
  assert.is((s[kg] as GaugeData).value, 5);
  assert.is((s.vus as GaugeData).value, 9);
  assert.equal(
    r.list().map((x) => `${x.name}:${x.type}`),
    ['iterations:counter', 'errors:rate', 'vus:gauge'],
  );
});

test('a metric name used with two types is a clear error', () => {
  const r = reg();
  r.trend('latency');
  assert.throws(() => r.counter('latency'), /"latency" is a trend, not a counter/);
  assert.throws(() => r.trend('bad name'), /not valid/);
});

test('warm-up samples stay out of the snapshot but appear in the time series', () => {
  const r = reg();
  r.setWarmup(2500);
  const lat = r.trend('latency');
  const it = r.counter('iterations');
  for (let t = 0; t < 5000; t += 10) {
    lat.add(t < 2500 ? 1000 : 5, t);
    it.add(1, t);
  }
  const s = r.snapshot(5000);
  const l = s.latency as TrendData;
  assert.is(l.count, 250);
  assert.is(l.max, 5);
  const c = s.iterations as CounterData;
  assert.is(c.count, 250);
  assert.is(c.rate, 100); // 250 over the 2.5 measured seconds
  const ts = r.timeseries(5000);
  assert.is(ts.length, 5);
  assert.is((ts[0]!.latency as TimePointValue).max, 1000);
  assert.is((ts[2]!.latency as TimePointValue).count, 100);
  assert.is((ts[4]!.iterations as TimePointValue).count, 100);
});

test('the current partial second counts toward the snapshot', () => {
  const r = reg();
  const lat = r.trend('latency');
  lat.add(1, 100);
  lat.add(2, 1100);
  lat.add(3, 1200);
  assert.is((r.snapshot(1500).latency as TrendData).count, 3);
  // the snapshot did not move the partial second into the total twice
  assert.is((r.snapshot(1600).latency as TrendData).count, 3);
  assert.is((r.snapshot(2000).latency as TrendData).count, 3);
});

test('time series points hold per-second figures for every metric type', () => {
  const r = reg();
  const lat = r.trend('latency'),
    it = r.counter('iterations'),
    err = r.rate('errors'),
    vus = r.gauge('vus');
  vus.set(10, 0);
  for (let i = 0; i < 100; i++) {
    lat.add(i + 1, i * 10);
    it.add(1, i * 10);
    err.add(i % 4 === 0, i * 10);
  }
  lat.add(7, 2500); // second 2; second 1 stays empty
  const ts = r.timeseries(3000);
  assert.equal(
    ts.map((p) => p.t),
    [0, 1000, 2000],
  );
  const p0 = ts[0]!;
  const l = p0.latency as TimePointValue;
  assert.is(l.count, 100);
  assert.is(l.max, 100);
  assert.ok(Math.abs(l.p50! - 50) <= 0.05 && Math.abs(l.p99! - 99) <= 0.1);
  assert.equal(p0.iterations, { count: 100 });
  assert.equal(p0.errors, { count: 100, value: 0.25 });
  assert.equal(p0.vus, { value: 10 });
  assert.equal(ts[1]!.latency, { count: 0 });
  assert.equal(ts[1]!.vus, { value: 10 }); // a gauge carries its value
  assert.is((ts[2]!.latency as TimePointValue).max, 7);
  // points are small: no histograms in them
  assert.ok(JSON.stringify(ts).length < 1000);
});

test('window() merges the retained seconds and keeps no more than asked for', () => {
  const r = reg();
  r.retainWindow(3);
  const lat = r.trend('latency');
  const it = r.counter('iterations');
  // second s records value (s+1)*10, s+1 times
  for (let s = 0; s < 10; s++)
    for (let k = 0; k <= s; k++) {
      lat.add((s + 1) * 10, s * 1000 + k);
      it.add(1, s * 1000 + k);
    }
  const w = r.window('latency', 10_000, 3) as TrendData; // seconds 7, 8, 9
  assert.is(w.count, 8 + 9 + 10);
  assert.is(w.min, 80);
  assert.is(w.max, 100);
  const c = r.window('iterations', 10_000, 3) as CounterData;
  assert.is(c.count, 27);
  assert.is(c.rate, 9);
  // seconds older than the retention are gone: a 5-second window sees only 3 seconds
  assert.is((r.window('latency', 10_000, 5) as TrendData).count, 27);
  // an earlier end inside the retention
  assert.is((r.window('latency', 9_000, 2) as TrendData).count, 8 + 9);
  assert.is(r.window('nope', 10_000, 3), undefined);
});

test('window() leaves out warm-up seconds, rounding the warm-up up to a whole second', () => {
  const r = reg();
  r.retainWindow(5);
  r.setWarmup(1500);
  const e = r.rate('errors');
  for (let t = 0; t < 4000; t += 100) e.add(t < 1500, t);
  const w = r.window('errors', 4000, 4) as RateData; // seconds 2, 3 only
  assert.equal([w.passes, w.fails], [0, 20]);
  // the snapshot counts the post-warm-up half of second 1
  const s = r.snapshot(4000).errors as RateData;
  assert.equal([s.passes, s.fails], [0, 25]);
});

test('a window kept for one metric: the other trends hold no per-second histograms', () => {
  const r = reg({ hdr: 'js' });
  r.retainWindow(90, 'e2e');
  const names = ['e2e', ...Array.from({ length: 20 }, (_, i) => `stage_${i}`)];
  const trends = names.map((n) => r.trend(n));
  for (let s = 0; s < 200; s++) for (const t of trends) t.add(5 + (s % 7), s * 1000 + 1);
  r.timeseries(200_000);
  const states = (r as unknown as { order: { key: string; all: unknown[] }[] }).order;
  const of = new Map(states.map((x) => [x.key, x.all.length]));
  // e2e: current + total + 90 retained (+ 1 scratch); the others current + total
  assert.ok(of.get('e2e')! >= 90 && of.get('e2e')! <= 93, `e2e holds ${of.get('e2e')}`);
  for (const n of names.slice(1)) assert.ok(of.get(n)! <= 2, `${n} holds ${of.get(n)} histograms`);
  assert.is((r.window('e2e', 200_000, 60) as TrendData).count, 60);
  // a metric first seen after the call gets the retention when it is named, not otherwise
  r.retainWindow(5, 'late');
  const late = r.trend('late');
  const other = r.trend('other');
  for (let s = 200; s < 210; s++) {
    late.add(1, s * 1000 + 1);
    other.add(1, s * 1000 + 1);
  }
  assert.is((r.window('late', 210_000, 5) as TrendData).count, 5);
  assert.is((r.window('other', 210_000, 5) as TrendData).count, 0);
});

test('retention stays bounded over a long run: histograms are reused, not piled up', () => {
  const r = reg({ hdr: 'js' });
  r.retainWindow(4);
  const lat = r.trend('latency');
  for (let s = 0; s < 600; s++) lat.add(5 + (s % 7), s * 1000 + 1);
  const state = (r as unknown as { order: { all: unknown[] }[] }).order[0]!;
  // current + total + 4 retained + 1 scratch for merges
  assert.ok(state.all.length <= 7, `histograms allocated: ${state.all.length}`);
  assert.is((r.window('latency', 600_000, 4) as TrendData).count, 4);
  assert.is(r.timeseries(600_000).length, 600);
});

test('gauges report the last value and the min/max over the measured window', () => {
  const r = reg({ warmupMs: 1000 });
  const g = r.gauge('vus');
  g.set(100, 0); // warm-up: not in min/max, but carried as the value
  g.set(7, 1500);
  g.set(3, 2500);
  g.set(5, 2600);
  assert.equal(r.snapshot(3000).vus, { type: 'gauge', value: 5, min: 3, max: 100 });
});

test('a snapshot merged from two registries equals one registry that saw everything', () => {
  const a = reg(),
    b = reg(),
    all = reg();
  const rng = new Rng(11);
  for (let i = 0; i < 4000; i++) {
    const v = rng.next() * 300;
    (i % 2 ? a : b).trend('latency').add(v, i);
    all.trend('latency').add(v, i);
  }
  const m = decodeHistogram(
    mergeEncoded([(a.snapshot(4000).latency as TrendData).hdr, (b.snapshot(4000).latency as TrendData).hdr]),
  );
  const one = decodeHistogram((all.snapshot(4000).latency as TrendData).hdr);
  assert.is(m.count, one.count);
  for (const p of [50, 99, 99.9]) assert.is(m.percentile(p), one.percentile(p));
});

test('snapshot and time series are plain JSON without NaN, also for metrics that got no samples', () => {
  const r = reg({ warmupMs: 5000 });
  r.trend('latency').add(3, 100);
  r.counter('iterations');
  r.rate('errors');
  r.gauge('vus');
  r.track('latency', { status: '500' });
  const json = JSON.stringify({ s: r.snapshot(3000), t: r.timeseries(3000) });
  assert.not.match(json, /null/);
  const back = JSON.parse(json);
  assert.is(back.s.latency.count, 0);
  assert.is(back.s['latency{status:500}'].count, 0);
  assert.is(back.t.length, 3);
});

test('close() frees the registry and may be called twice; late samples are ignored, late reads are an error', () => {
  const r = createRegistry();
  const lat = r.trend('latency');
  const g = r.gauge('vus');
  lat.add(1, 0);
  r.close();
  r.close();
  // e.g. a system sampler's last sample arriving after the runner closed the registry
  lat.add(2, 5000);
  g.set(3, 5000);
  assert.throws(() => r.trend('other'), /after close/);
  assert.throws(() => r.snapshot(6000), /snapshot\(\) after close/);
});

test.run();
