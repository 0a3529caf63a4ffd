/**
 * The bounded time series (harness/metrics/series.ts through the registry): a run shorter than
 * maxPoints seconds gets exactly the points an unbounded registry gives; past it, points merge in
 * pairs and the interval doubles, totals are kept, and the memory (points stored) stops growing.
 * Live observers still get one-second points (secondsSince).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Rng } from '../../../generators/rng.ts';
import { createRegistry, type Registry } from '../../../harness/metrics/registry.ts';
import { closingRegistries } from '../../helpers/registry.ts';
import type { TimePoint, TimePointValue } from '../../../results/types.ts';

const reg = closingRegistries(test);

/**
 * `seconds` of every metric type, seeded: a trend, a counter, a rate, a gauge, a sub-metric, and a
 * metric first recorded at second `lateSec`; returns the registry's points at the end
 */
function drive(r: Registry, seconds: number, lateSec = 5): TimePoint[] {
  const rng = new Rng(3);
  r.track('lat', { stage: 'a' });
  for (let sec = 0; sec < seconds; sec++) {
    const n = sec % 7 === 3 ? 0 : 1 + Math.floor(rng.next() * 20); // some seconds are empty
    for (let i = 0; i < n; i++) {
      const at = sec * 1000 + (i * 1000) / (n + 1);
      r.trend('lat').add(1 + rng.next() * 300, at, { stage: i % 2 ? 'a' : 'b' });
      r.counter('iters').add(1, at);
      r.rate('errs').add(rng.next() < 0.1, at);
      if (sec >= lateSec) r.counter('late').add(2, at);
    }
    if (sec % 3 === 0) r.gauge('vus').set(sec, sec * 1000 + 10);
  }
  return r.timeseries(seconds * 1000);
}

const countOf = (pts: TimePoint[], key: string): number =>
  pts.reduce((s, p) => s + (((p[key] as TimePointValue | undefined)?.count as number | undefined) ?? 0), 0);

test('under maxPoints seconds: the same points as an unbounded registry, interval 1000', () => {
  const a = reg();
  const b = reg({ maxPoints: 64 });
  const pa = drive(a, 40);
  const pb = drive(b, 40);
  assert.equal(pb, pa);
  assert.is(b.intervalMs, 1000);
  assert.is(pa.length, 40);
  assert.not.ok('late' in pa[4]!);
  assert.ok('late' in pa[5]!);
});

test('past maxPoints: pairs merge, the interval doubles, totals are kept', () => {
  const full = drive(reg(), 100);
  const r = reg({ maxPoints: 16 });
  const pts = drive(r, 100);
  // 100 s into at most 16 points: 8 s each (13 points, the last holding 4 s)
  assert.is(r.intervalMs, 8000);
  assert.is(pts.length, 13);
  assert.equal(
    pts.map((p) => p.t),
    pts.map((_, i) => i * 8000),
  );
  for (const key of ['lat', 'lat{stage:a}', 'iters', 'errs', 'late'])
    assert.is(countOf(pts, key), countOf(full, key), key);
  // each merged point against the seconds it holds
  for (let i = 0; i < pts.length; i++) {
    const secs = full.slice(i * 8, i * 8 + 8);
    const v = (p: TimePoint, k: string) => p[k] as TimePointValue | undefined;
    const p99s = secs.map((p) => v(p, 'lat')?.p99).filter((x): x is number => x !== undefined);
    assert.is(v(pts[i]!, 'lat')!.p99, Math.max(...p99s));
    const gauge = secs.map((p) => v(p, 'vus')?.value).filter((x) => x !== undefined);
    assert.is(v(pts[i]!, 'vus')!.value, gauge[gauge.length - 1]);
    const passes = secs.reduce((s, p) => s + (v(p, 'errs')?.value ?? 0) * (v(p, 'errs')?.count ?? 0), 0);
    const n = secs.reduce((s, p) => s + (v(p, 'errs')?.count ?? 0), 0);
    assert.ok(Math.abs(v(pts[i]!, 'errs')!.value! - passes / n) < 1e-12);
  }
  // 'late' starts at second 5: in the first 8-second point already, as in the second it began
  assert.is((pts[0]!.late as TimePointValue).count, countOf(full.slice(0, 8), 'late'));
});

test('the stored points stop growing: 10x the seconds, still at most maxPoints', () => {
  const r = reg({ maxPoints: 32 });
  drive(r, 330);
  const n1 = r.timeseries(330_000).length;
  const pts = drive(r, 0); // no new seconds: same figures
  assert.is(pts.length, n1);
  const r2 = reg({ maxPoints: 32 });
  const p2 = drive(r2, 3300);
  assert.ok(p2.length <= 32 && p2.length > 16, `${p2.length}`);
  assert.is(r2.intervalMs, 128_000);
});

test('live observers get one-second points after merges (the last two minutes at most)', () => {
  const r = reg({ maxPoints: 8 });
  drive(r, 50);
  const recent = r.secondsSince!(50_000, 45);
  assert.equal(
    recent.map((p) => p.t),
    [45_000, 46_000, 47_000, 48_000, 49_000],
  );
  assert.ok(r.intervalMs > 1000);
  assert.is(r.secondsSince!(50_000, 0).length, 50);
});

test('maxPoints must be an even integer ≥ 2: the error names the option', () => {
  assert.throws(() => createRegistry({ maxPoints: 7 }), /maxPoints must be an even integer/);
});

test.run();
