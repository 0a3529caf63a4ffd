/**
 * The live side against itself (bench/calibration-measures.ts splitHalf): a sitting's repeated runs
 * split by the order they ran, one half's medians scored as the prediction of the other's by the
 * validation table's rules.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { type RunFigures, splitHalf, splitHalfLine } from '../../bench/calibration-measures.ts';

const run = (p50: number, p99: number, throughput: number, deficit = 0): RunFigures => ({
  p50,
  p99,
  throughput,
  deficit,
});

test('splitHalf: odd runs against even runs, the knee of each half, the goals and the naive ratio', () => {
  const runsAt = new Map<number, RunFigures[]>([
    // the ramp's top: one run, in both halves
    [4000, [run(50, 100, 4000)]],
    // odd runs (1st, 3rd) and even runs (2nd): p50 medians 60 and 80, p99 alike, throughput alike
    [6000, [run(55, 200, 6000), run(80, 200, 6000), run(65, 200, 6000)]],
    // the first half keeps up, the second falls behind: their knees differ
    [8000, [run(90, 300, 8000, 0.01), run(150, 400, 7000, 0.125)]],
    [10_000, [run(400, 900, 8000, 0.2), run(500, 1000, 8000, 0.2)]],
  ]);
  const s = splitHalf(runsAt, { p50: 50, p99: 100 }, 9000);
  assert.equal(s.rates, [6000, 8000]);
  // half 1 keeps up to 8,000 (0.01) then 0.2 at 10,000; half 2 crosses 0.05 between 6,000 and 8,000
  assert.ok(Math.abs(s.knees[0]! - (8000 + (2000 * 0.04) / 0.19)) < 1e-6, `${s.knees[0]}`);
  assert.ok(Math.abs(s.knees[1]! - (6000 + (2000 * 0.05) / 0.125)) < 1e-6, `${s.knees[1]}`);
  // 6,000/s: p50 60 vs 80 (−25 %, out), p99 200 vs 200, throughput alike; 8,000/s: p50 −40 %, p99 −25 %
  // (within, at the goal), throughput +14.3 % (out)
  assert.equal(s.within, { p50: 0, p99: 2, throughput: 1 });
  const err = (0.25 + 0 + 0 + 0.4 + 0.25 + 1000 / 7000) / 6;
  assert.ok(Math.abs(s.meanError - err) < 1e-9, `${s.meanError}`);
  // naive: latency stays 50 / 100 ms, throughput = rate
  const naive = ((80 - 50) / 80 + (200 - 100) / 200 + 0 + (150 - 50) / 150 + (400 - 100) / 400 + 1000 / 7000) / 6;
  assert.ok(Math.abs(s.naiveError - naive) < 1e-9, `${s.naiveError}`);
  assert.ok(Math.abs(s.ratio - naive / err) < 1e-9);
  assert.match(splitHalfLine(s), /knee 8421\/s \/ 6800\/s \(\+23\.8 %\); below the knee \(2 rates\) p50 0\/2/);
});

test('splitHalf: without a live knee every repeated rate is scored; single runs are not', () => {
  const runsAt = new Map<number, RunFigures[]>([
    [4000, [run(50, 100, 4000)]],
    [6000, [run(60, 120, 6000), run(60, 120, 6000)]],
  ]);
  const s = splitHalf(runsAt, { p50: 50, p99: 100 }, undefined);
  assert.equal(s.rates, [6000]);
  assert.equal(s.knees, [undefined, undefined]);
  assert.equal(s.within, { p50: 1, p99: 1, throughput: 1 });
  assert.is(s.meanError, 0);
});

test.run();
