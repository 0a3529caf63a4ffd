/**
 * The in-process event loop once it is full (utilisation ≥ 0.95: live from about 5,500/s, a third
 * to a half of the knee), read from the live runs themselves: what the ramp's CPU lines do not see
 * (docs/simulation.md, known gaps). With the loop full the pipeline still keeps up because its
 * fetch cycle lengthens: each cycle does a fixed amount of work (fetches, produces, /predict calls,
 * timers) and a share per record, so with the loop busy all the time the cycle is
 * T = F / (1 − rate / K), the chunks grow as rate × T, and the requests per second, one set per
 * cycle, fall on a line that reaches zero at K: the rate at which the records alone would fill the
 * loop. On calib-sim24 in process (5,500–13,700/s, ten runs) the cycle was 21 ms / (1 − rate /
 * 16,900) within a few per cent at every rate, and the live knee (backlog growth, 13,955/s) lies
 * below K, where the cycle's fluctuations make the backlog grow.
 */
import type { RunSummary } from '../../results/types.ts';
import { type Calibration, measuredFigures, predict } from './calibrate.ts';
import { leastSquares, runRecords } from './calibrate-cpu.ts';

/** the loop utilisation from which a run counts as full */
export const LOOP_FULL = 0.95;

export interface LoopFullLine {
  /** the rates of the runs the lines were fitted on (records/s, repeats included) */
  rates: number[];
  /** the main process's requests per second (broker requests and /predict calls) on the rate: a + b·rate */
  requestsPerSec: [number, number];
  /** where the requests' line reaches zero (undefined unless it falls) */
  requestsZeroAt?: number;
  /** each run's fetch cycle (ms): the records per chunk over the records per partition per ms */
  cycleMs: number[];
  /** 1 / cycle on the rate: the cycle is fixedMs / (1 − rate / zeroAt); undefined unless it lengthens */
  cycle?: { fixedMs: number; zeroAt: number };
}

/** the main process's requests over a run (broker requests and /predict calls) */
const requestsOf = (s: RunSummary) => {
  const x = s.extra as
    | { broker?: { requestsHandled?: number }; modelServer?: { predictRequests?: number } }
    | undefined;
  return (x?.broker?.requestsHandled ?? 0) + (x?.modelServer?.predictRequests ?? 0);
};

interface Counted {
  rate: number;
  requestsPerSec: number;
  cycleMs: number;
}

/** a run's requests per second and fetch cycle, undefined where it did not count them or its loop was not full */
function counted(rate: number, s: RunSummary, minLoop: number): Counted | undefined {
  const u = s.loadGenerator?.eventLoopUtilization;
  const x = s.extra as { modelServer?: { predictRequests?: number }; accounting?: { decided?: number } } | undefined;
  const requests = requestsOf(s);
  if (typeof u !== 'number' || u < minLoop || !(requests > 0) || !(rate > 0) || !(s.durationMs > 0)) return undefined;
  // chunks: the processor's own count where it ran in this process, else the model server's calls
  const count = (k: string) => (s.metrics[k] as { count?: number } | undefined)?.count;
  const chunks = count('processor_stage_features') || x?.modelServer?.predictRequests || 0;
  const records = count('processor_records') || x?.accounting?.decided || 0;
  if (!(chunks > 0 && records > 0)) return undefined;
  const partitions = ((s.config as { target?: { partitions?: number } } | undefined)?.target?.partitions ?? 12) || 12;
  return {
    rate,
    requestsPerSec: requests / (s.durationMs / 1000),
    cycleMs: ((records / chunks) * partitions * 1000) / rate,
  };
}

/**
 * The lines over the runs whose loop was full (`minLoop`), given with the rate each ran at: the
 * requests per second and 1 / cycle, each least squares on the rate, with where they reach zero.
 * Undefined with fewer than two such runs at two or more rates.
 */
export function loopFullLine(
  runs: Array<{ rate: number; summary: RunSummary }>,
  minLoop = LOOP_FULL,
): LoopFullLine | undefined {
  const rows = runs.flatMap((r) => counted(r.rate, r.summary, minLoop) ?? []);
  if (new Set(rows.map((r) => r.rate)).size < 2) return undefined;
  const xs = rows.map((r) => r.rate);
  const req = leastSquares(
    xs,
    rows.map((r) => r.requestsPerSec),
  );
  const inv = leastSquares(
    xs,
    rows.map((r) => 1 / r.cycleMs),
  );
  return {
    rates: xs,
    requestsPerSec: [req.a, req.b],
    ...(req.b < 0 && req.a > 0 ? { requestsZeroAt: -req.a / req.b } : {}),
    cycleMs: rows.map((r) => r.cycleMs),
    ...(inv.b < 0 && inv.a > 0 ? { cycle: { fixedMs: 1 / inv.a, zeroAt: -inv.a / inv.b } } : {}),
  };
}

type Run = { rate: number; summary: RunSummary };

const cpuOf = (s: RunSummary): { mainMs?: number; wallMs?: number } =>
  (s.extra as { cpu?: { mainMs?: number; wallMs?: number } } | undefined)?.cpu ?? {};

/**
 * In process, the CPU per record where the event loop is full. The design runs' contrasts read the
 * CPU per record (a) and per request (r) at rates where the loop still has room, and there polling
 * gives way as the records grow, so a comes out low: 0.030 ms on calib-sim24, where with the loop
 * full (5,500–15,600/s, ten runs) the CPU less the design runs' background and r × requests was
 * 0.049–0.067 ms per record, flat with the rate (calib-sim20–23: 0.061–0.094, 0.067–0.14,
 * 0.070–0.11, 0.058–0.080). So: the background c (CPU per second of the design runs beyond a and
 * r, which does not give way: 0.15–0.30 of a core) from the design runs, and the records' cost from
 * the ramp's runs whose loop was full (`minLoop`), Σ(CPU − c × wall − r × requests) / Σ records.
 * Undefined without such runs (a ramp that stops short of the full loop), without the CPU figures,
 * or where it comes out ≤ 0.
 */
export function loopFullCost(
  ramp: Run[],
  design: Run[],
  contrast: { perRecordMs: number; perRequestMs: number },
  minLoop = LOOP_FULL,
): { perRecordMs: number; backgroundCores: number; runs: number } | undefined {
  const { perRecordMs: a, perRequestMs: r } = contrast;
  const bg = design.flatMap((d) => {
    const { mainMs, wallMs } = cpuOf(d.summary);
    return mainMs && wallMs ? [(mainMs - a * runRecords(d) - r * requestsOf(d.summary)) / wallMs] : [];
  });
  if (!bg.length) return undefined;
  const backgroundCores = Math.max(0, bg.reduce((s, x) => s + x, 0) / bg.length);
  let work = 0,
    n = 0,
    runs = 0;
  for (const p of ramp) {
    const u = p.summary.loadGenerator?.eventLoopUtilization;
    const { mainMs, wallMs } = cpuOf(p.summary);
    if (typeof u !== 'number' || u < minLoop || !mainMs || !wallMs) continue;
    work += mainMs - backgroundCores * wallMs - r * requestsOf(p.summary);
    n += runRecords(p);
    runs++;
  }
  return runs > 0 && work > 0 ? { perRecordMs: work / n, backgroundCores, runs } : undefined;
}

/** a model falls behind at a rate where it decides less than this share of the offered rate (the knee's rule) */
const KEPT_UP = 0.95;

/**
 * A calibration must reproduce the runs it was read on: the first ramp run with its loop full
 * (utilisation ≥ LOOP_FULL) that kept up live and where the calibrated model does not (decides
 * < 95 % of the rate over the run's measured window), if any. Such a run was in another state than
 * the model's. On calib-sim33 the ramp's top (8,900 and 9,800/s) ran in the pipeline's standing-queue
 * state (chunks of 70–83 records, p50 139–177 ms, where the validation runs at 10,300/s had 46–49 and
 * 74–81 ms); read with the loop full it said 0.095 ms per record where the contrasts said 0.057, and
 * the model's knee came at 9,730/s, below the ramp's own top (live kept up to 15,800/s), ratio 0.05×.
 */
export function behindWhereKeptUp(
  cal: Calibration,
  ramp: RunSummary[],
  minLoop = LOOP_FULL,
): { rate: number; decided: number } | undefined {
  const full = ramp
    .filter((s) => (s.loadGenerator?.eventLoopUtilization ?? 0) >= minLoop)
    .map((s) => ({ s, m: measuredFigures(s) }))
    .filter(({ m }) => m.throughput >= KEPT_UP * m.rate)
    .sort((a, b) => a.m.rate - b.m.rate);
  for (const { s, m } of full) {
    const durationMs = s.durationMs,
      warmupMs = Math.min(s.warmupMs, durationMs / 2);
    const decided = predict(cal, { rate: m.rate, durationMs, warmupMs }).throughput;
    if (decided < KEPT_UP * m.rate) return { rate: m.rate, decided };
  }
  return undefined;
}
