/**
 * Uncertainty of a prediction: replications over seeds give each figure's mean and a 95 %
 * interval; a rate far from the calibration's says it extrapolates. Simulated time only.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { PipelabError } from '../../../errors.ts';
import { calibrate, formatCalibrationTable, predict } from '../../../harness/sim/calibrate.ts';
import { simulate } from '../../../harness/sim/simulate.ts';
import { meanInterval } from '../../../harness/sim/uncertainty.ts';
import type { RunSummary } from '../../../results/types.ts';

test('meanInterval: Student t over the replications', () => {
  const r = meanInterval([10, 12, 14]);
  assert.is(r.mean, 12);
  // sd 2, se 2/√3, t(2) = 4.303
  assert.ok(Math.abs(r.hi - 12 - (4.303 * 2) / Math.sqrt(3)) < 1e-9);
  assert.equal(meanInterval([5]), { mean: 5, lo: 5, hi: 5 });
});

// a simulated run dressed as a live pipeline run at 100/s: enough for calibrate()
const sim = simulate({ durationMs: 4000, arrivals: { kind: 'poisson', rate: 100 } });
const cal = calibrate({
  ...sim,
  services: {},
  config: { target: { type: 'pipeline' }, executors: { main: { executor: 'constant-arrival-rate', rate: 100 } } },
} as RunSummary);

test("replications: figures are the seeds' means, inside their 95 % intervals; same seeds, same answer", () => {
  const p = predict(cal, { rate: 150, replications: 5, durationMs: 4000 });
  assert.is(p.interval?.replications, 5);
  for (const f of ['p50', 'p99', 'throughput'] as const) {
    const [lo, hi] = p.interval![f];
    assert.ok(lo <= p[f] && p[f] <= hi, `${f} ${p[f]} in [${lo}, ${hi}]`);
  }
  assert.ok(p.interval!.p99[1] > p.interval!.p99[0], 'seeds differ, so the p99 interval has a width');
  assert.equal(predict(cal, { rate: 150, replications: 5, durationMs: 4000 }).interval, p.interval);
  const one = predict(cal, { rate: 150, durationMs: 4000 });
  assert.is(one.interval, undefined);
  assert.match(formatCalibrationTable(cal, [{ prediction: p }]), /mean of 5 seeds, 95 % interval/);
  assert.throws(
    () => predict(cal, { rate: 150, replications: 0 }),
    (e: unknown) => e instanceof PipelabError && /replications/.test(e.message),
  );
});

test('a rate beyond twice (or under half) the calibration rate is flagged as an extrapolation', () => {
  assert.is(predict(cal, { rate: 190, durationMs: 2000 }).extrapolation, undefined);
  const far = predict(cal, { rate: 1000, durationMs: 2000 });
  assert.match(far.extrapolation ?? '', /10\.0× the calibration rate \(100\/s\): outside the calibrated range/);
  assert.match(formatCalibrationTable(cal, [{ prediction: far }]), /extrapolating:/);
  assert.match(predict(cal, { rate: 20, durationMs: 2000 }).extrapolation ?? '', /1\/5\.0 of the calibration rate/);
});

test.run();
