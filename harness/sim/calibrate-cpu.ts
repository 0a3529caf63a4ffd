/**
 * The CPU lines of a ramp calibration (calibrate-fit.ts): least squares of a process's CPU time or
 * its event loop's utilisation on what the runs handled.
 */
import type { RunSummary } from '../../results/types.ts';

/** least-squares line y = a + b·x */
export function leastSquares(xs: readonly number[], ys: readonly number[]): { a: number; b: number } {
  const n = xs.length;
  const mx = xs.reduce((s, x) => s + x, 0) / n,
    my = ys.reduce((s, y) => s + y, 0) / n;
  let sxy = 0,
    sxx = 0;
  for (let i = 0; i < n; i++) {
    sxy += (xs[i]! - mx) * (ys[i]! - my);
    sxx += (xs[i]! - mx) ** 2;
  }
  const b = sxx > 0 ? sxy / sxx : 0;
  return { a: my - b * mx, b };
}

/** standard error of the slope b from the line's residuals (0 with two runs) */
export function slopeStandardError(xs: number[], ys: number[], a: number, b: number): number {
  const n = xs.length;
  if (n < 3) return 0;
  const mx = xs.reduce((s, x) => s + x, 0) / n;
  const sxx = xs.reduce((s, x) => s + (x - mx) ** 2, 0);
  if (!(sxx > 0)) return 0; // one x for all runs: no slope was fitted (leastSquares gives 0)
  const s2 = ys.reduce((s, y, i) => s + (y - a - b * xs[i]!) ** 2, 0) / (n - 2);
  return Math.sqrt(Math.max(0, s2 / sxx));
}

interface CpuRun {
  summary: RunSummary;
  rate: number;
}

/**
 * A process's CPU time over a run. The children's within the load window where the run measured it
 * (`childrenWindowMs`, bench/calibration-live.ts): their reaped time (`childrenMs`) includes their
 * start-up, 4–6 s a run against ~2 s of work at 4,200/s, and its noise between runs (±0.5 s) set
 * their per-record line (0.015–0.15 ms over four sittings). The window holds the run's records
 * exactly (rate × duration). The main process's stays the whole run's, as its request counts are.
 */
const cpuMs = (s: RunSummary, key: 'childrenMs' | 'mainMs') => {
  const cpu = (s.extra as { cpu?: Record<string, number | undefined> } | undefined)?.cpu;
  return key === 'childrenMs' ? (cpu?.childrenWindowMs ?? cpu?.childrenMs) : cpu?.mainMs;
};

/** the whole run's records (warm-up included), as the CPU time covers the whole run */
export const runRecords = (p: CpuRun) => p.rate * (p.summary.durationMs / 1000);

/**
 * The requests the main process served over the run: the broker's (`extra.broker.requestsHandled`:
 * produce, fetch, commits, heartbeats, the child processors' included) and the embedded model
 * server's /predict calls (`extra.modelServer.predictRequests`, one per chunk). Undefined when the
 * run did not count them.
 */
function mainRequests(s: RunSummary): number | undefined {
  const x = s.extra as
    | { broker?: { requestsHandled?: number }; modelServer?: { predictRequests?: number } }
    | undefined;
  const broker = x?.broker?.requestsHandled;
  return typeof broker === 'number' && broker > 0 ? broker + (x?.modelServer?.predictRequests ?? 0) : undefined;
}

/**
 * CPU ms per record of one process over the runs: its CPU time (`extra.cpu.childrenWindowMs` or
 * `childrenMs` for the child processors, `extra.cpu.mainMs` for the main process) against the records, least squares
 */
export function processCpu(points: CpuRun[], key: 'childrenMs' | 'mainMs'): { w: number; se: number } | undefined {
  const xs: number[] = [],
    ys: number[] = [];
  for (const p of points) {
    const ms = cpuMs(p.summary, key);
    if (!ms) continue;
    xs.push(runRecords(p));
    ys.push(ms);
  }
  if (xs.length < 2) return undefined;
  const { a, b } = leastSquares(xs, ys);
  return b > 0 ? { w: b, se: slopeStandardError(xs, ys, a, b) } : undefined;
}

/** the target's settings that set how many records a request and a chunk carry at a given rate */
function requestSettings(s: RunSummary): string {
  const t = ((s.config as { target?: unknown } | undefined)?.target ?? {}) as {
    partitions?: number;
    lingerMs?: number;
  };
  return `${t.partitions ?? 12} partitions, linger ${t.lingerMs ?? 2} ms`;
}

/**
 * The runs split into the ramp (the partitions and linger most of them share: the system
 * predicted) and the design runs (other partitions or linger, e.g. 2 partitions and 20 ms linger
 * at the ramp's top rate: more records per request and per chunk at the same records). On a ramp
 * alone the records and the requests grow together (the chunks and batches fill as the rate
 * grows), and the CPU fit cannot tell a per-record from a per-request cost (docs/simulation.md,
 * known gaps); the design runs vary one at a fixed other. They enter the CPU fits only: their
 * delays and chunks are another system's.
 */
export function designRuns(summaries: RunSummary[]): { ramp: RunSummary[]; design: RunSummary[] } {
  const count = new Map<string, number>();
  for (const s of summaries) count.set(requestSettings(s), (count.get(requestSettings(s)) ?? 0) + 1);
  let main = '';
  for (const [k, n] of count) if (n > (count.get(main) ?? 0)) main = k;
  return {
    ramp: summaries.filter((s) => requestSettings(s) === main),
    design: summaries.filter((s) => requestSettings(s) !== main),
  };
}

/** the embedded model server's /predict calls over a run (one per chunk), undefined where not counted */
const predictCalls = (s: RunSummary) =>
  (s.extra as { modelServer?: { predictRequests?: number } } | undefined)?.modelServer?.predictRequests || undefined;

/** records per chunk from which a run counts as batching (batchingRuns) */
const BATCHED = 2;

/**
 * The runs the CPU lines' coefficients are fitted on: those whose chunks hold 2 records or more on
 * average (records over /predict calls; a run that did not count its calls counts as batching), all
 * of them when fewer than three do; only beside design runs (designRuns): without them the batching
 * runs' records and requests are too alike to be told apart (re-scored without design runs,
 * calib-sim17 in process 0.12 ms per record, knee −35 %; calib-sim19 child 0.13 ms, −83 %). Below
 * that the pipeline does not batch: every record is a chunk, a produce and a fetch of its own, the
 * requests are polls that carry little, and their CPU is not the loaded one's — 1.1 ms of the main
 * process's CPU per request at 50/s against 0.4 ms at 2,000/s (calib-sim20 in process), so a line
 * through them bends the per-record cost: 0.049 ms per record on calib-sim20's whole ramp with its
 * design runs, 0.077 ms from 1,000/s up (its live knee said 0.076); on calib-sim21 0.11 and 0.12 ms
 * (1/knee 0.105). `cpuRuns: 'all'` (calibrate-fit.ts) keeps every run.
 */
function batchingRuns<T extends { p: CpuRun }>(rows: T[]): T[] {
  const batching = rows.filter((r) => {
    const calls = predictCalls(r.p.summary);
    return calls === undefined || runRecords(r.p) / calls >= BATCHED;
  });
  return batching.length >= 3 ? batching : rows;
}

/**
 * The main process's CPU as work per record and per request (child mode): CPU time = c + a ×
 * records + b × requests. Requests do not grow with the records: a produce request carries all
 * that its linger gathered, a fetch all that arrived since the last, a /predict call a chunk, and
 * their rate levels off once the batches fill; a per-record line through the ramp, where they
 * still grow, charges their work to the records and runs out of CPU far too early (calib-quiet3:
 * 0.20 ms per record, full at 4,956/s, knee −41 %). a is the slope of the CPU on the records at a
 * fixed request count, b of the CPU on the requests at fixed records (two-variable least squares
 * after centring); with fewer than three runs counting requests, or a fit that gives a cost ≤ 0
 * (the two counts too alike over the ramp to be told apart), undefined — the per-record line then.
 * The requests' rate is a line on the rate, held at the ramp's top beyond it (as the transport
 * line: the batches it counts are bounded, calibrate-fit.ts `factor`). In process the simulator
 * charges the requests per chunk instead (requestsPerCall per /predict call, one call per chunk):
 * the requests go with the chunks (4.2–4.4 per call on calib-s64's ramp, up to 9,700/s), and the
 * simulated chunks grow with the load as the live ones do, so the work per record shrinks as live.
 * `contrasts` (in process): the two costs from the design's contrasts where it has them
 * (contrastFit), the least squares over every run otherwise. Within the ramp the requests move by
 * ±30 % from run to run at rates that differ by 1,000/s or more, and the least squares over ramp
 * and design runs together took them for the records' cost: 0.015 ms per record on calib-sim23
 * (no predicted knee; live 14,135/s), where its design runs alone, ~3,500 requests each at 2,000
 * and 4,200/s, say 0.060. Re-scored on calib-sim20–23: knee −22.6, −2.0, (none live), +20.6 %
 * against −1.8, −8.0, (none), no predicted knee. Not in child mode, where the requests' rate is
 * held at the ramp's top beyond it (an upper bound) and their cost, read this way 0.20–0.34 ms,
 * fills the main process early (knee −50, −9, −39 % on calib-sim20–22).
 */
export function mainCpuTwoWay(
  points: CpuRun[],
  design: CpuRun[] = [],
  batching = true,
  contrasts = false,
):
  | {
      perRecordMs: number;
      perRequestMs: number;
      requestsPerSec: [number, number];
      /** requests per /predict call over the ramp (Σ requests / Σ calls), when the calls were counted */
      requestsPerCall?: number;
      se: number;
      /** how the two costs were read: the design runs' contrasts (contrastFit) or least squares over the runs */
      by: 'design contrasts' | 'least squares';
    }
  | undefined {
  const counted = (ps: CpuRun[]) =>
    ps.flatMap((p) => {
      const ms = cpuMs(p.summary, 'mainMs'),
        req = mainRequests(p.summary);
      return ms && req !== undefined ? [{ p, x1: runRecords(p), x2: req, y: ms }] : [];
    });
  const rows = counted(points);
  if (rows.length < 3) return undefined;
  // the coefficients from the runs that batch, and the design runs (other partitions or linger: more
  // records per request at the same rate); the requests' rate and per call are the batching ramp
  // runs', the predicted system's
  const fitted = design.length && batching ? batchingRuns(rows) : rows;
  const plain = twoVariableFit([...fitted, ...counted(design)]);
  const contrast = contrasts ? contrastFit(rows, counted(design)) : undefined;
  const fit = contrast ? { ...contrast, se: plain?.se ?? 0 } : plain;
  if (!fit) return undefined;
  const l = leastSquares(
    rows.map((r) => r.p.rate),
    rows.map((r) => r.x2 / (r.p.summary.durationMs / 1000)),
  );
  const calls = fitted.reduce((n, r) => n + (predictCalls(r.p.summary) ?? 0), 0),
    requests = fitted.reduce((n, r) => n + r.x2, 0);
  return {
    perRecordMs: fit.a,
    perRequestMs: fit.b,
    requestsPerSec: [l.a, Math.max(0, l.b)],
    ...(calls > 0 ? { requestsPerCall: requests / calls } : {}),
    se: fit.se,
    by: contrast ? 'design contrasts' : 'least squares',
  };
}

interface CostRow {
  p: CpuRun;
  x1: number;
  x2: number;
  y: number;
}

/**
 * The two costs from the design's contrasts: b from a ramp run and a design run at the same rate
 * (the same records, other requests or chunks), a from the design runs at two or more rates (their
 * settings alike: other records at about the same requests), each corrected by the other (a few
 * rounds). Undefined with fewer than two design runs matched by rate on the ramp, or a cost ≤ 0.
 */
export function contrastFit(ramp: CostRow[], design: CostRow[]): { a: number; b: number } | undefined {
  const pairs = design.flatMap((d) => {
    const r = ramp.find((x) => x.p.rate === d.p.rate);
    return r && r.x2 !== d.x2 ? [{ r, d }] : [];
  });
  if (pairs.length < 2 || new Set(design.map((d) => d.p.rate)).size < 2) return undefined;
  let a = 0,
    b = 0;
  for (let i = 0; i < 20; i++) {
    b =
      pairs.reduce((s, { r, d }) => s + (r.y - d.y) - a * (r.x1 - d.x1), 0) /
      pairs.reduce((s, { r, d }) => s + (r.x2 - d.x2), 0);
    a = leastSquares(
      design.map((d) => d.x1),
      design.map((d) => d.y - b * d.x2),
    ).b;
  }
  return a > 0 && b > 0 ? { a, b } : undefined;
}

/**
 * y = c + a·x1 + b·x2 by least squares (two variables, after centring): a and b with a's standard
 * error (σ² × (XᵀX)⁻¹; 0 with three rows: no residual left); undefined with fewer than three rows,
 * when x1 and x2 are too alike over the rows to be told apart, or when a cost comes out ≤ 0
 */
export function twoVariableFit(
  rows: Array<{ x1: number; x2: number; y: number }>,
): { a: number; b: number; c: number; se: number } | undefined {
  const n = rows.length;
  if (n < 3) return undefined;
  const mean = (f: (r: (typeof rows)[0]) => number) => rows.reduce((s, r) => s + f(r), 0) / n;
  const m1 = mean((r) => r.x1),
    m2 = mean((r) => r.x2),
    my = mean((r) => r.y);
  let s11 = 0,
    s22 = 0,
    s12 = 0,
    s1y = 0,
    s2y = 0;
  for (const r of rows) {
    const d1 = r.x1 - m1,
      d2 = r.x2 - m2,
      dy = r.y - my;
    s11 += d1 * d1;
    s22 += d2 * d2;
    s12 += d1 * d2;
    s1y += d1 * dy;
    s2y += d2 * dy;
  }
  const det = s11 * s22 - s12 * s12;
  if (!(det > 1e-9 * s11 * s22)) return undefined;
  const a = (s22 * s1y - s12 * s2y) / det,
    b = (s11 * s2y - s12 * s1y) / det;
  if (!(a > 0) || !(b > 0)) return undefined;
  const c = my - a * m1 - b * m2;
  const rss = rows.reduce((s, r) => s + (r.y - c - a * r.x1 - b * r.x2) ** 2, 0);
  return { a, b, c, se: n > 3 ? Math.sqrt(Math.max(0, (rss / (n - 3)) * (s22 / det))) : 0 };
}

/**
 * The child processors' CPU as work per record and per chunk: their CPU time within the load window
 * = c + a × records + d × chunks (the embedded model server's /predict calls, one per chunk). On
 * the ramp alone the chunks grow with the records up to ~1,000/s and level off, and the children's
 * CPU grows less than linearly at low rates (1.8, 2.7, 3.4 s at 50, 100, 250/s, then 4.4 s at
 * 4,200/s on calib-sim17): the chunks' share. Runs at the same rate with fewer partitions or more
 * linger (`design`) have bigger chunks at the same records, so the two costs can be told apart.
 * Undefined where the runs did not count chunks or the two costs cannot be told apart (≤ 0).
 */
export function childrenCpuTwoWay(
  points: CpuRun[],
  design: CpuRun[] = [],
  batching = true,
): { perRecordMs: number; perChunkMs: number; se: number } | undefined {
  const counted = (ps: CpuRun[]) =>
    ps.flatMap((p) => {
      const ms = cpuMs(p.summary, 'childrenMs'),
        calls = predictCalls(p.summary);
      return ms && calls ? [{ p, x1: runRecords(p), x2: calls, y: ms }] : [];
    });
  const ramp = counted(points);
  const fit = twoVariableFit([...(design.length && batching ? batchingRuns(ramp) : ramp), ...counted(design)]);
  return fit && { perRecordMs: fit.a, perChunkMs: fit.b, se: fit.se };
}

/**
 * The main event loop's work per record, in wall time: its utilisation over each run's executor span
 * (loadGenerator.eventLoopUtilization) on the rate is a line a + b·rate, and the slope b is the
 * loop's time per record. The background a (timers, fetch polling, the harness's own ticks) is
 * elastic: live, the utilisation reaches 0.9–1 well below the knee while the latency stays flat
 * (polling gives way when records keep the loop busy, and chunks grow), so it is not a queue the
 * records wait in: only the per-record slope is service demand, and the loop is full at 1 / b
 * records/s. (Charging b / (1 − a), the background as lost capacity, predicted latency growing
 * from a third of the knee on: docs/simulation.md, "Calibration on a ramp".)
 */
export function eventLoopFit(
  points: CpuRun[],
  capacity = false,
): { w: number; a: number; b: number; se: number } | undefined {
  const xs: number[] = [],
    ys: number[] = [];
  for (const p of points) {
    const u = p.summary.loadGenerator?.eventLoopUtilization;
    if (typeof u !== 'number' || !(u > 0)) continue;
    xs.push(p.rate / 1000);
    ys.push(u);
  }
  if (xs.length < 2) return undefined;
  const { a, b } = leastSquares(xs, ys);
  if (!(b > 0) || !(a < 1)) return undefined;
  // as lost capacity: b / (1 − a) per record (its error: the slope's, scaled; a's own is left out)
  const k = capacity ? 1 / (1 - Math.max(0, a)) : 1;
  return { w: b * k, a, b, se: k * slopeStandardError(xs, ys, a, b) };
}

/** golden-section search for the minimum of err on [lo, hi] */
export function golden(err: (x: number) => number, lo: number, hi: number, iters: number): { x: number; e: number } {
  const g = (Math.sqrt(5) - 1) / 2;
  let x1 = hi - g * (hi - lo),
    x2 = lo + g * (hi - lo);
  let e1 = err(x1),
    e2 = err(x2);
  for (let i = 0; i < iters; i++) {
    if (e1 <= e2) {
      hi = x2;
      x2 = x1;
      e2 = e1;
      x1 = hi - g * (hi - lo);
      e1 = err(x1);
    } else {
      lo = x1;
      x1 = x2;
      e1 = e2;
      x2 = lo + g * (hi - lo);
      e2 = err(x2);
    }
  }
  return e1 <= e2 ? { x: x1, e: e1 } : { x: x2, e: e2 };
}

/** the per-record main-host CPU minimising the log error: a log grid, then golden section around the best */
export function fitMainCpu(err: (w: number) => number): { w: number; e: number } {
  const grid = Array.from({ length: 16 }, (_, i) => 0.005 * 2 ** (i / 2)); // 0.005 … 0.9 ms
  let best = 0;
  const es = grid.map(err);
  for (let i = 1; i < grid.length; i++) if (es[i]! < es[best]!) best = i;
  const g = golden(err, grid[Math.max(0, best - 1)]!, grid[Math.min(grid.length - 1, best + 1)]!, 10);
  return g.e < es[best]! ? { w: g.x, e: g.e } : { w: grid[best]!, e: es[best]! };
}

/** the highest utilisation loopStretch counts: beyond it (past the knee) the stretch is held */
const RHO_CAP = 0.95;

/**
 * Beyond the ramp's top, the factor on the transport and sink delays: their waits (the consumer's
 * next fetch, the produce and the results consumer's turn) are turns of event loops that the
 * records keep busier as the rate grows, so they stretch as a processor-sharing sojourn does,
 * (1 − ρ_top) / (1 − ρ), ρ the busiest loop's utilisation by the records' fitted CPU
 * (`cpuPerRecordMs(rate)`: ms per record on each host, its cores). At or below the top: 1 (the
 * delay lines fitted over the ramp hold the load's effect there).
 */
export function loopStretch(
  rate: number,
  top: number,
  hosts: Array<{ msPerRecord: (rate: number) => number; cores: number }>,
): number {
  if (!(rate > top) || hosts.length === 0) return 1;
  const rho = (r: number) => Math.min(RHO_CAP, Math.max(...hosts.map((h) => (r * h.msPerRecord(r)) / 1000 / h.cores)));
  return (1 - rho(top)) / (1 - rho(rate));
}

/**
 * In process, how much CPU the process gets through per second of its event loop's busy time: its
 * CPU time within the load window (`extra.cpu.mainWindowMs`) over the loop's busy time there (the
 * executors' span × `loadGenerator.eventLoopUtilization`), summed over the runs that batch (records
 * per /predict call ≥ 2, design runs included). Above 1 where V8's and libuv's helper threads (GC,
 * compilation, the thread pool) work beside the loop: the process's CPU time, which the per-record
 * and per-chunk costs are fitted on, is then not all the loop's, and the loop is full at that many
 * times the records the fitted costs say. Live, with the loop full (utilisation 1.00) the process
 * used 1.08–1.21 cores (calib-sim17–22, the runs above the ramp). At least 1; undefined with fewer
 * than two such runs.
 */
export function loopCapacity(summaries: RunSummary[]): number | undefined {
  let cpu = 0,
    busy = 0,
    n = 0;
  for (const s of summaries) {
    const win = (s.extra as { cpu?: { mainWindowMs?: number } } | undefined)?.cpu?.mainWindowMs;
    const u = s.loadGenerator?.eventLoopUtilization;
    const calls = predictCalls(s);
    const records = (s.extra as { accounting?: { decided?: number } } | undefined)?.accounting?.decided ?? 0;
    if (!(win && win > 0) || typeof u !== 'number' || !(u > 0) || !calls || records / calls < BATCHED) continue;
    cpu += win;
    busy += u * s.durationMs;
    n++;
  }
  return n >= 2 && busy > 0 ? Math.max(1, cpu / busy) : undefined;
}
