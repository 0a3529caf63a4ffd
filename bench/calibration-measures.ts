/**
 * The live side's measures of the calibration bench (bench/calibration.ts): the knee's rule and a
 * live run's throughput within its load window, shared by the predicted and the live curve.
 */
import './help.ts';
import type { RunSummary } from '../results/types.ts';
import { median } from './stats.ts';
import { LOOP_FULL, loopFullLine } from '../harness/sim/calibrate-cycle.ts';

/**
 * The knee: the rate from which the pipeline no longer keeps up, i.e. its backlog grows by more than
 * this share of the offered rate (decided within the load window < (1 − KNEE_DEFICIT) × offered).
 * It was "p50 at 4× the unloaded p50", which falls where latency leaves its plateau (50–60 ms here),
 * far below saturation, on a metastable curve: the same rate gave p50 47 ms or 124 ms in two quiet
 * sittings half an hour apart, and that rule put the live in-process knee at 4.2k–11.7k/s between
 * sittings while throughput held up to 11.5k–16.1k/s in every one (docs/simulation.md).
 */
export const KNEE_DEFICIT = 0.05;

/** the goals of issue 17 item 3 below the knee: |error| of each figure at most this */
export const GOALS = { p50: 0.15, p99: 0.25, throughput: 0.05 } as const;

/**
 * The knee of a deficit curve (rates rising; deficit = 1 − decided/offered): the rate from which on
 * the deficit stays at or above `y`, interpolated linearly between the last rate below y and the
 * next. The last crossing, not the first: one stall can make a run fall behind and the next keep up,
 * and the knee is where the backlog keeps growing. Undefined when the curve ends below y.
 */
export function knee(xs: number[], ys: number[], y: number): number | undefined {
  const n = xs.length;
  if (n === 0 || ys[n - 1]! < y) return undefined;
  let i = n - 1;
  while (i > 0 && ys[i - 1]! >= y) i--;
  if (i === 0) return xs[0];
  const f = (y - ys[i - 1]!) / (ys[i]! - ys[i - 1]!);
  return xs[i - 1]! + f * (xs[i]! - xs[i - 1]!);
}

/**
 * A live run's throughput within its load window: the records decided in the timeseries' whole
 * seconds before the executor stopped, per second. The summary's `decisions` rate also counts the
 * drain afterwards (up to 20 s), which made a run that fell behind look faster than offered (10,536/s
 * at 9,200/s); the model counts what finished within its window, so this is the comparable figure.
 */
export function liveThroughput(s: RunSummary): number {
  const secs = Math.floor(s.durationMs / 1000);
  const pts = (s.timeseries?.points ?? []).filter((p) => p.t < secs * 1000);
  return pts.reduce((a, p) => a + ((p.decisions as { count?: number } | undefined)?.count ?? 0), 0) / secs;
}

/** 1 − decided / offered: the knee's measure, one definition for the predicted and the live curve */
export const deficit = (decidedPerSec: number, rate: number) => Math.max(0, 1 - decidedPerSec / rate);

/** 1 − decided / offered within the load window: below the knee the records still in flight at the end (~1 %) */
export const liveDeficit = (s: RunSummary, rate: number) => deficit(liveThroughput(s), rate);

/**
 * The full event loop read from the live runs (harness/sim/calibrate-cycle.ts): over the runs that
 * kept up with their loop full, where the requests per second and 1 / fetch cycle reach zero (the
 * rate the records alone would fill the loop at), and the same from the ramp's such runs only
 * (what a calibration that ramps into the full loop would see); docs/simulation.md, known gaps.
 */
export function loopFullNote(runs: Array<{ rate: number; summary: RunSummary }>, ramp: number[]): string {
  const kept = runs.filter((r) => liveDeficit(r.summary, r.rate) < KNEE_DEFICIT);
  const say = (label: string, rs: typeof runs) => {
    const l = loopFullLine(rs);
    if (!l) return `${label}: fewer than two rates`;
    const k = (x: number | undefined) => (x === undefined ? '—' : `${Math.round(x)}/s`);
    const [a, b] = l.requestsPerSec;
    const cycle = l.cycle ? `${l.cycle.fixedMs.toFixed(1)} ms / (1 − rate / ${k(l.cycle.zeroAt)})` : 'not lengthening';
    return (
      `${label} (${l.rates.length} runs, ${Math.min(...l.rates)}–${Math.max(...l.rates)}/s): requests/s ` +
      `${a.toFixed(0)} ${b < 0 ? '−' : '+'} ${Math.abs(b).toFixed(3)} × rate, zero at ${k(l.requestsZeroAt)}; ` +
      `fetch cycle ${cycle}`
    );
  };
  return (
    `loop full (utilisation ≥ ${LOOP_FULL}) in the runs that kept up: ${say('live', kept)}; ` +
    say(
      "the ramp's rates alone",
      kept.filter((r) => ramp.includes(r.rate)),
    )
  );
}

/** one live run's figures as the table scores them */
export interface RunFigures {
  p50: number;
  p99: number;
  throughput: number;
  /** 1 − decided / offered within the load window (the knee's measure) */
  deficit: number;
}

/**
 * The live side against itself within one sitting (`--repeat` ≥ 2): the runs at each rate split
 * into two halves by the order they ran (1st, 3rd, … and 2nd, 4th, …), each half's median taken as
 * a curve, and the first half scored as the prediction of the second by the table's rules — the
 * knee of each half (a rate with one run, the ramp's, counts in both), and below the sitting's live
 * knee (`kneeRate`, from the medians of all runs) p50, p99 and throughput against the goals and the
 * mean |error| against the naive baseline (`top`: the ramp's top's latency, throughput = the rate).
 * What a model would score that predicted one half of the sitting as well as the other half does:
 * the resolution of the protocol on this machine.
 */
export function splitHalf(
  runsAt: Map<number, RunFigures[]>,
  top: { p50: number; p99: number },
  kneeRate: number | undefined,
) {
  const rates = [...runsAt.keys()].sort((a, b) => a - b);
  const half = (k: 0 | 1) => (r: number) => {
    const xs = runsAt.get(r)!;
    const mine = xs.length > 1 ? xs.filter((_, i) => i % 2 === k) : xs;
    const m = (f: keyof RunFigures) => median(mine.map((x) => x[f]));
    return { p50: m('p50'), p99: m('p99'), throughput: m('throughput'), deficit: m('deficit') };
  };
  const [a, b] = [half(0), half(1)];
  const knees = [a, b].map((h) =>
    knee(
      rates,
      rates.map((r) => h(r).deficit),
      KNEE_DEFICIT,
    ),
  ) as [number | undefined, number | undefined];
  const scored = rates.filter((r) => runsAt.get(r)!.length > 1 && (kneeRate === undefined || r < kneeRate));
  const within = { p50: 0, p99: 0, throughput: 0 };
  let err = 0,
    naive = 0;
  for (const r of scored)
    for (const f of ['p50', 'p99', 'throughput'] as const) {
      const mv = b(r)[f],
        e = (a(r)[f] - mv) / mv;
      err += Math.abs(e);
      naive += Math.abs(((f === 'throughput' ? r : top[f]) - mv) / mv);
      if (Math.abs(e) <= GOALS[f]) within[f]++;
    }
  const n = 3 * scored.length;
  return { knees, rates: scored, within, meanError: err / n, naiveError: naive / n, ratio: naive / err };
}

/** splitHalf in one line of the bench's output */
export function splitHalfLine(s: ReturnType<typeof splitHalf>): string {
  const [ka, kb] = s.knees;
  const k = (x: number | undefined) => (x === undefined ? '—' : `${Math.round(x)}/s`);
  const e = ka !== undefined && kb !== undefined ? ka / kb - 1 : undefined;
  const kneeErr = e === undefined ? '' : ` (${e >= 0 ? '+' : ''}${(100 * e).toFixed(1)} %)`;
  const n = s.rates.length;
  return (
    'the live side against itself (runs 1, 3, … as the prediction of runs 2, 4, …): ' +
    `knee ${k(ka)} / ${k(kb)}${kneeErr}; ` +
    `below the knee (${n} rates) p50 ${s.within.p50}/${n}, p99 ${s.within.p99}/${n}, throughput ` +
    `${s.within.throughput}/${n} within goal; mean |error| ${(100 * s.meanError).toFixed(1)} %, naive ` +
    `${(100 * s.naiveError).toFixed(1)} %, ratio ${s.ratio.toFixed(2)}×`
  );
}
