/**
 * Drift benchmarks: observations/s for every streaming detector, and the time of each batch
 * statistic on 10⁶ values (reference and current 10⁶ each). Baselines measured in the same run:
 * a plain loop summing the same array (streaming) and a Float64Array sort of 10⁶ values (batch).
 * Targets (issue #7): ADWIN ≥ 1 M obs/s, other detectors ≥ 5 M obs/s, each batch statistic < 1 s.
 *   npx tsx bench/drift.ts            full run
 *   npx tsx bench/drift.ts --quick    10× smaller, to see it works (PIPELAB_BENCH_QUICK=1 too)
 */
import './help.ts';
import { Rng } from '../generators/rng.ts';
import { createDetector, type DetectorName } from '../pipeline/drift/streaming/index.ts';
import { ks2samp } from '../pipeline/drift/batch/ks.ts';
import { wassersteinNormed } from '../pipeline/drift/batch/wasserstein.ts';
import { psi } from '../pipeline/drift/batch/psi.ts';
import { jensenShannon } from '../pipeline/drift/batch/jensen-shannon.ts';
import { chiSquare } from '../pipeline/drift/batch/chisquare.ts';
import { proportionsZTest } from '../pipeline/drift/batch/ztest.ts';

const quick = process.argv.includes('--quick') || process.env.PIPELAB_BENCH_QUICK === '1';
const N = quick ? 100_000 : 1_000_000;
const rng = new Rng(2026);
const normal = Float64Array.from({ length: N }, () => rng.normal(0, 1));
const shifted = Float64Array.from({ length: N }, () => rng.normal(0.01, 1));
const bits = Float64Array.from({ length: N }, () => (rng.next() < 0.2 ? 1 : 0));

function time(fn: () => void, repeat = 1): number {
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < repeat; i++) fn();
  return Number(process.hrtime.bigint() - t0) / 1e9 / repeat;
}

// baseline: a plain loop over the same array
let sink = 0;
const loopSecs = time(() => {
  let s = 0;
  for (let i = 0; i < N; i++) s += normal[i] as number;
  sink += s;
}, 5);
const loopRate = N / loopSecs;

console.log(`drift bench: ${N.toLocaleString()} values${quick ? ' (--quick)' : ''}, node ${process.version}`);
console.log(`baseline: plain summing loop ${(loopRate / 1e6).toFixed(1)} M values/s\n`);
console.log('streaming detector   M obs/s   × loop   target');
const detectors: Array<[DetectorName, Float64Array, number]> = [
  ['adwin', normal, 1e6],
  ['page-hinkley', normal, 5e6],
  ['kswin', normal, 5e6],
  ['ddm', bits, 5e6],
  ['eddm', bits, 5e6],
  ['hddm-a', bits, 5e6],
];
for (const [name, data, target] of detectors) {
  // warm-up pass, then the measured pass on a fresh detector
  const warm = createDetector(name);
  for (let i = 0; i < Math.min(N, 50_000); i++) warm.update(data[i] as number);
  const det = createDetector(name);
  let alarms = 0;
  const secs = time(() => {
    for (let i = 0; i < N; i++) {
      det.update(data[i] as number);
      if (det.driftDetected) alarms++;
    }
  });
  const rate = N / secs;
  console.log(
    `${name.padEnd(19)} ${(rate / 1e6).toFixed(2).padStart(8)}  ` +
      `${(rate / loopRate).toFixed(3).padStart(7)}   ≥ ${target / 1e6} M ` +
      `${rate >= target ? 'ok' : 'BELOW'}  (${alarms} alarms)`,
  );
}

const sortSecs = time(() => {
  const a = Float64Array.from(normal);
  a.sort();
  sink += a[0] as number;
});
console.log(`\nbaseline: Float64Array sort of ${N.toLocaleString()} values ${(sortSecs * 1000).toFixed(0)} ms`);
console.log('batch statistic (ref and cur N each)   ms   × sort   target < 1 s');
const cats = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k', 'l', 'm', 'n', 'o', 'p'];
const catRef = Array.from({ length: N }, () => rng.pick(cats));
const catCur = Array.from({ length: N }, () => rng.pick(cats));
const binRef = Array.from(bits, (b) => (b ? 'y' : 'n'));
const binCur = Array.from({ length: N }, () => (rng.next() < 0.21 ? 'y' : 'n'));
const batch: Array<[string, () => unknown]> = [
  ['KS (asymptotic p)', () => ks2samp(normal, shifted)],
  ['Wasserstein-1 + normed', () => wassersteinNormed(normal, shifted)],
  ['PSI (Evidently bins)', () => psi(normal, shifted, { numeric: true })],
  ['PSI (reference deciles)', () => psi(normal, shifted, { numeric: true, binning: 'quantile' })],
  ['Jensen-Shannon (binned)', () => jensenShannon(normal, shifted, { numeric: true })],
  ['chi-square (16 categories)', () => chiSquare(catRef, catCur)],
  ['z-test (two proportions)', () => proportionsZTest(binRef, binCur)],
];
for (const [label, fn] of batch) {
  fn(); // warm-up
  const secs = time(fn);
  console.log(
    `${label.padEnd(34)} ${(secs * 1000).toFixed(0).padStart(6)}  ` +
      `${(secs / sortSecs).toFixed(2).padStart(6)}   ${secs < 1 ? 'ok' : 'SLOW'}`,
  );
}
if (sink === 42) console.log('');
console.log('\n(2 shared cores and other work running: figures are indicative; rerun on a quiet machine.)');
