/** The delay lines' shape pooled over a ramp's runs (harness/sim/calibrate-pool.ts). */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { pooledStage } from '../../../harness/sim/calibrate-pool.ts';
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

test('no p50 in the lowest-rate run: nothing to scale to', () => {
  assert.is(pooledStage([run([], 0), run([5, 6], 5)], 'stage_queue'), undefined);
  assert.is(pooledStage([], 'stage_queue'), undefined);
});

test.run();
