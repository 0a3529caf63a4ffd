/**
 * The chunk line of a ramp calibration (calibrate-fit.ts): a chunk's time (features + inference)
 * against its size, fixed + per record.
 *
 * Across runs, one mean per run (the runs' mean chunk time on their mean chunk size) mixes two
 * things that rise together over a ramp: the chunks grow with the rate, and so do the waits inside
 * a chunk's time that are not its size's doing (the model server's queue, the loop's other work,
 * the neighbours' load). On calib-c2 (child mode) that line said 0.76 ms per record, of which the
 * children's CPU was 0.068 ms: the rest was the load, and it capped the simulated throughput far
 * below the live knee. Within one run the load is one load, so where a run reports its chunks by
 * size (`extra.chunkClasses`: per size class, the records, their mean chunk size and mean chunk
 * time) the slope is fitted within each run — least squares with an intercept per run and one
 * slope for all, each class weighted by its chunks — and the runs' loads stay in their intercepts.
 */
import type { RunSummary } from '../../results/types.ts';
import { leastSquares, slopeStandardError } from './calibrate-cpu.ts';

/** one size class of a run's chunks, as the results consumer reports them */
interface ChunkClass {
  /** the mean chunk size (records) of the class */
  n: number;
  /** records decided in chunks of the class (each record carries its chunk's time) */
  records: number;
  /** the mean chunk time (features + inference, ms) over those records */
  chunkMs: number;
}

export interface ChunkLine {
  /** ms per chunk: the intercept (within runs, the chunk-weighted mean of the runs' intercepts) */
  a: number;
  /** ms per record in a chunk */
  b: number;
  /** the slope's standard error */
  se: number;
  /** 'within runs' when the runs reported their chunks by size, else one mean per run */
  from: 'within runs' | 'across runs';
}

function chunkClasses(s: RunSummary): ChunkClass[] | undefined {
  const c = (s.extra as { chunkClasses?: unknown } | undefined)?.chunkClasses;
  if (!Array.isArray(c)) return undefined;
  const ok = c.filter(
    (x): x is ChunkClass =>
      typeof x === 'object' &&
      x !== null &&
      (x as ChunkClass).n >= 1 &&
      (x as ChunkClass).records > 0 &&
      Number.isFinite((x as ChunkClass).chunkMs),
  );
  return ok.length ? ok : undefined;
}

/**
 * The chunk line: within runs where at least one run reported two or more size classes, else
 * least squares of the runs' mean chunk time on their mean chunk size (`sizes`, `times`).
 */
export function chunkLine(summaries: RunSummary[], sizes: number[], times: number[]): ChunkLine {
  const within = withinRuns(summaries.map(chunkClasses));
  if (within) return within;
  const l = leastSquares(sizes, times);
  return { ...l, se: slopeStandardError(sizes, times, l.a, l.b), from: 'across runs' };
}

/**
 * Weighted least squares with an intercept per run and one slope: each run's classes centred on
 * the run's own (chunk-weighted) mean size and time, so only the variation within a run sets the
 * slope. A class of n records in chunks of mean size n̄ stands for records / n̄ chunks (its weight).
 */
function withinRuns(runs: Array<ChunkClass[] | undefined>): ChunkLine | undefined {
  let sxx = 0,
    sxy = 0,
    chunks = 0,
    sumMy = 0,
    sumMx = 0,
    points = 0,
    groups = 0;
  const centred: Array<{ w: number; dx: number; dy: number }> = [];
  for (const cs of runs) {
    if (!cs || cs.length < 2) continue;
    const w = cs.map((c) => c.records / c.n);
    const W = w.reduce((s, x) => s + x, 0);
    const mx = cs.reduce((s, c, i) => s + w[i]! * c.n, 0) / W,
      my = cs.reduce((s, c, i) => s + w[i]! * c.chunkMs, 0) / W;
    cs.forEach((c, i) => {
      const dx = c.n - mx,
        dy = c.chunkMs - my;
      sxx += w[i]! * dx * dx;
      sxy += w[i]! * dx * dy;
      centred.push({ w: w[i]!, dx, dy });
    });
    groups++;
    points += cs.length;
    chunks += W;
    sumMy += W * my;
    sumMx += W * mx;
  }
  if (groups === 0 || !(sxx > 0)) return undefined;
  const b = sxy / sxx;
  // the runs' intercepts my − b·mx, weighted by their chunks
  const a = (sumMy - b * sumMx) / chunks;
  const rss = centred.reduce((s, p) => s + p.w * (p.dy - b * p.dx) ** 2, 0);
  const dof = points - groups - 1;
  return { a, b, se: dof > 0 ? Math.sqrt(Math.max(0, rss / dof / sxx)) : 0, from: 'within runs' };
}
