/** The delay lines' shape pooled over a ramp's runs (harness/sim/calibrate-pool.ts). */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { pooledStage, scaledMerge } from '../../../harness/sim/calibrate-pool.ts';
import { decodeValues, encodeValues } from '../../../results/hdr.ts';
import type { RunSummary, TrendData } from '../../../results/types.ts';

/** a run whose stage_queue holds `values` (p50 as given: the pooling reads the trend's p50) */
function run(values: number[], p50: number): { summary: RunSummary } {
  const t = { type: 'trend', count: values.length, p50, hdr: encodeValues(values) } as TrendData;
  return { summary: { metrics: { stage_queue: t } } as unknown as RunSummary };
}

function quantile(spec: { hdr: string }, q: number): number {
  const vs = decodeValues(spec.hdr);
  const n = vs.reduce((s, v) => s + v.count, 0);
  let seen = 0;
  for (const v of vs) {
    seen += v.count;
    if (seen >= q * n) return v.valueMs;
  }
  return Number.NaN;
}

test("every run's records give the shape, at the lowest-rate run's p50", () => {
  // the lowest-rate run: 300 records at 4 ms, three of them a 30 ms stall (its p99 is the stall);
  // two busier runs with the same shape, 5× and 6× higher, no stall
  const low = [...Array.from({ length: 297 }, () => 4), 30, 30, 30];
  const mid = Array.from({ length: 3000 }, (_, i) => (i % 100 === 99 ? 40 : 20));
  const top = Array.from({ length: 6000 }, (_, i) => (i % 100 === 99 ? 48 : 24));
  const pooled = pooledStage([run(low, 4), run(mid, 20), run(top, 24)], 'stage_queue') as { hdr: string };
  const n = decodeValues(pooled.hdr).reduce((s, v) => s + v.count, 0);
  assert.is(n, 9300);
  // the level stays the lowest-rate run's (p50 4 ms), the tail is every run's (2× the p50 at p99.5)
  assert.ok(Math.abs(quantile(pooled, 0.5) - 4) < 0.05, `${quantile(pooled, 0.5)}`);
  assert.ok(Math.abs(quantile(pooled, 0.99) - 4) < 0.05, `${quantile(pooled, 0.99)}`);
  assert.ok(Math.abs(quantile(pooled, 0.995) - 8) < 0.1, `${quantile(pooled, 0.995)}`);
  // the lowest-rate run alone: its p99 is the stall
  const alone = pooledStage([run(low, 4)], 'stage_queue') as { hdr: string };
  assert.ok(quantile(alone, 0.995) > 29, `${quantile(alone, 0.995)}`);
});

test('pooled bucket by bucket: the histogram of every record scaled one by one, its size bounded by buckets', () => {
  const low = [...Array.from({ length: 297 }, () => 4), 30, 30, 30];
  const top = Array.from({ length: 6000 }, (_, i) => (i % 100 === 99 ? 48 : 24 + (i % 7) * 0.5));
  const pooled = pooledStage([run(low, 4), run(top, 24)], 'stage_queue') as { hdr: string };
  // what the pooling did before: every record's value scaled, then encoded
  const expanded: number[] = [];
  for (const [values, k] of [
    [low, 1],
    [top, 4 / 24],
  ] as const)
    for (const { valueMs, count } of decodeValues(encodeValues(values)))
      for (let i = 0; i < count; i++) expanded.push(valueMs * k);
  assert.equal(decodeValues(pooled.hdr), decodeValues(encodeValues(expanded)));
  // six million records at a few distinct values: counts carried, not records listed
  const big = scaledMerge([
    { hdr: pooled.hdr, k: 2 },
    { hdr: encodeValues([5]), k: 1 },
  ]) as string;
  const many = scaledMerge(Array.from({ length: 1000 }, () => ({ hdr: big, k: 1 }))) as string;
  const vs = decodeValues(many);
  assert.is(
    vs.reduce((s, v) => s + v.count, 0),
    1000 * (6300 + 1),
  );
  assert.ok(vs.length < 50, `${vs.length} buckets`);
  assert.is(scaledMerge([]), undefined);
});

test('no p50 in the lowest-rate run: nothing to scale to', () => {
  assert.is(pooledStage([run([], 0), run([5, 6], 5)], 'stage_queue'), undefined);
  assert.is(pooledStage([], 'stage_queue'), undefined);
});

test.run();
