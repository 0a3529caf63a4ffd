/**
 * Predicted vs measured, the validation protocol of docs/simulation.md ("Calibration on a ramp"):
 * per processor mode (in process, child processors), live runs of the reference pipeline on a
 * low-rate ramp and at the rates to predict (embedded services), all in this one run; the
 * simulator calibrated on the ramp (calibrateRuns) predicts the other rates; the table gives
 * p50, p99 and throughput predicted and measured, the knee (the rate where p50 reaches 4× its
 * unloaded value) predicted and measured, and the mean |error| below the knee against the naive
 * baseline "latency stays what the top of the ramp measured, throughput = the rate".
 *
 *   npx tsx bench/calibration.ts [--quick] [--modes in-process,child] [--ramp 250,500,1000,2000]
 *     [--rates 2500,3000,3500,4000,6000] [--seconds 6] [--save <dir>] [--from <dir saved before>]
 *
 * On a shared machine, run it under `flock /work/coord/cpu.lock` and say how shared it was.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { calibrateRuns, type RampCalibration } from '../harness/sim/calibrate-fit.ts';
import { measuredFigures, predict, type MeasuredFigures } from '../harness/sim/calibrate.ts';
import { textTable } from '../results/table.ts';
import type { RunSummary } from '../results/types.ts';
import { liveRun } from './calibration-live.ts';

const quick = process.argv.includes('--quick') || process.env.PIPELAB_BENCH_QUICK === '1';
const arg = (flag: string): string | undefined => {
  const i = process.argv.indexOf(flag);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const nums = (s: string) => s.split(',').map(Number);
const modes = (arg('--modes') ?? 'in-process,child').split(',') as Array<'in-process' | 'child'>;
const ramp = nums(arg('--ramp') ?? (quick ? '250,500' : '250,500,1000,2000'));
const rates = nums(arg('--rates') ?? (quick ? '1000' : '2500,3000,3500,4000,6000'));
const seconds = Number(arg('--seconds') ?? (quick ? 3 : 6));
const save = arg('--save');
/** re-evaluate runs saved with --save (<dir>/<mode>/<rate>.json) instead of running live */
const from = arg('--from');
/** the knee: the rate at which p50 reaches this multiple of its unloaded (lowest-rate) value */
const KNEE_FACTOR = 4;

/** the rate where ys (p50 at rising rates) crosses y, interpolated linearly in log p50 */
function crossing(xs: number[], ys: number[], y: number): number | undefined {
  for (let i = 1; i < xs.length; i++)
    if (ys[i]! >= y && ys[i - 1]! < y) {
      const f = (Math.log(y) - Math.log(ys[i - 1]!)) / (Math.log(ys[i]!) - Math.log(ys[i - 1]!));
      return xs[i - 1]! + f * (xs[i]! - xs[i - 1]!);
    }
  return undefined;
}

/** the predicted knee: bisection on the predicted p50 between the ramp's top and 4× the highest rate */
function predictedKnee(cal: RampCalibration, y: number, durationMs: number, warmupMs: number): number | undefined {
  const p50 = (rate: number) => predict(cal, { rate, durationMs, warmupMs }).p50;
  let lo = cal.fit.rates[0]!,
    hi = 4 * Math.max(...rates);
  if (p50(lo) >= y || p50(hi) < y) return undefined;
  for (let i = 0; i < 14; i++) {
    const mid = (lo + hi) / 2;
    if (p50(mid) >= y) hi = mid;
    else lo = mid;
  }
  return (lo + hi) / 2;
}

const pct = (x: number) => `${x >= 0 ? '+' : ''}${(100 * x).toFixed(1)} %`;
const f0 = (x: number) => (x >= 100 ? x.toFixed(0) : x.toFixed(1));

async function validate(mode: 'in-process' | 'child'): Promise<void> {
  const runs = new Map<number, RunSummary>();
  for (const rate of [...ramp, ...rates]) {
    if (from) {
      runs.set(rate, JSON.parse(readFileSync(`${from}/${mode}/${rate}.json`, 'utf8')) as RunSummary);
      continue;
    }
    process.stderr.write(`${mode}: live run at ${rate}/s for ${seconds}s...\n`);
    const s = await liveRun({ rate, seconds, processors: 1, mode });
    runs.set(rate, s);
    if (save) {
      mkdirSync(`${save}/${mode}`, { recursive: true });
      writeFileSync(`${save}/${mode}/${rate}.json`, JSON.stringify(s));
    }
  }
  const cal = calibrateRuns(ramp.map((r) => runs.get(r)!));
  const top = measuredFigures(runs.get(ramp[ramp.length - 1]!)!);
  const base = measuredFigures(runs.get(ramp[0]!)!);
  const all = [...ramp, ...rates].map((r) => measuredFigures(runs.get(r)!));
  const measuredKnee = crossing(
    all.map((m) => m.rate),
    all.map((m) => m.p50),
    KNEE_FACTOR * base.p50,
  );
  const first = runs.get(rates[0]!)!;
  const knee = predictedKnee(cal, KNEE_FACTOR * base.p50, Math.max(first.durationMs, 10_000), first.warmupMs);
  const rows: string[][] = [];
  const errs = { sim: [] as number[], naive: [] as number[] };
  for (const rate of rates) {
    const s = runs.get(rate)!;
    const m: MeasuredFigures = measuredFigures(s);
    const p = predict(cal, { rate: m.rate, durationMs: Math.max(s.durationMs, 10_000), warmupMs: s.warmupMs });
    const below = measuredKnee === undefined || rate < measuredKnee;
    for (const [fig, pv, mv, nv] of [
      ['p50', p.p50, m.p50, top.p50],
      ['p99', p.p99, m.p99, top.p99],
      ['throughput', p.throughput, m.throughput, m.rate],
    ] as const) {
      const e = (pv - mv) / mv;
      rows.push([String(rate), fig, f0(pv), f0(mv), pct(e), pct((nv - mv) / mv), below ? 'below' : 'beyond']);
      if (below) {
        errs.sim.push(Math.abs(e));
        errs.naive.push(Math.abs((nv - mv) / mv));
      }
    }
  }
  const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : Number.NaN);
  console.log(`\n## ${mode}: calibrated on ${ramp.join(', ')}/s (${seconds} s each)`);
  for (const n of cal.notes) console.log(`- ${n}`);
  console.log(
    textTable(['rate/s', 'figure', 'predicted', 'measured', 'error', 'naive error', 'knee'], rows, {
      align: ['left', 'left', 'right', 'right', 'right', 'right', 'left'],
    }),
  );
  const kneeErr = knee !== undefined && measuredKnee !== undefined ? pct(knee / measuredKnee - 1) : '—';
  console.log(
    `knee (p50 = ${KNEE_FACTOR}× the ${ramp[0]}/s run's ${f0(base.p50)} ms): predicted ${
      knee ? f0(knee) : '—'
    }/s, measured ${measuredKnee ? f0(measuredKnee) : '—'}/s (${kneeErr})`,
  );
  const sim = mean(errs.sim),
    naive = mean(errs.naive);
  console.log(
    `below the knee: mean |error| simulator ${(100 * sim).toFixed(1)} %, naive ${(100 * naive).toFixed(1)} %, ` +
      `ratio ${(naive / sim).toFixed(2)}×`,
  );
}

const load0 = (await import('node:os')).loadavg();
for (const mode of modes) await validate(mode);
const load1 = (await import('node:os')).loadavg();
console.log(
  `\nload average before ${load0.map((x) => x.toFixed(1)).join(' ')}, after ${load1
    .map((x) => x.toFixed(1))
    .join(' ')} (2 cores; other sessions were running)`,
);
