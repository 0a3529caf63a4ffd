/**
 * Calibration on several live runs at different rates (a ramp): costs separated instead of one
 * run's histograms replayed.
 *
 * The model (docs/simulation.md, "Calibration on a ramp"): the processes become CPU hosts
 * (model/cpu.ts) — in process one host of one core (the event loop that runs the load generator,
 * the broker, the processors, the model server and the results consumer), with child processors
 * one more host per processor. Every record takes CPU on them: in transport (producer, broker,
 * fetch), in its chunk (a fixed cost per chunk plus a cost per record) and in the sink (the
 * decision's produce and the results consumer). Co-located work shares the core, so every stage
 * slows down together as the load grows, and chunks grow, as they do live.
 *
 * What is fitted, from which figures:
 * - the waits that are not CPU (producer linger, fetch wait, the model server's batching window,
 *   the sink's acknowledgement): the lowest-rate run's stage histograms, where the CPU is idle;
 * - the chunk's cost per record: least squares of the processors' per-chunk time
 *   (processor_stage_features + processor_stage_inference) on the mean chunk size of each run;
 * - CPU per record of the processors in child mode: least squares of their CPU time
 *   (`extra.cpu.childrenMs`, per-process CPU of the reaped children) on the records they handled;
 * - the per-record CPU of everything else on the main host: the value whose simulated p50 and
 *   mean at the ramp's rates best match the measured ones (least squares of log errors over a
 *   grid, then golden-section refinement). It absorbs the share of a core this process really
 *   gets on a shared machine (work measured in wall time, not CPU time).
 */
import { PipelabError } from '../../errors.ts';
import type { CounterData, RunSummary, TrendData } from '../../results/types.ts';
import { type Calibration, type CalibrateOptions, calibrate, measuredFigures } from './calibrate.ts';
import { simulate } from './simulate.ts';
import type { ServiceTimeSpec } from './dist.ts';
import { drawn, type RampFit } from './calibrate-draw.ts';
import {
  childrenCpuTwoWay,
  designRuns,
  eventLoopFit,
  fitMainCpu,
  golden,
  leastSquares,
  loopCapacity,
  loopStretch,
  mainCpuTwoWay,
  processCpu,
  slopeStandardError,
} from './calibrate-cpu.ts';
import { chunkLine } from './calibrate-chunk.ts';
import { pooledDelays, scaledMerge } from './calibrate-pool.ts';
import { rampNotes } from './calibrate-notes.ts';
import { behindWhereKeptUp, loopFullCost } from './calibrate-cycle.ts';

export { leastSquares } from './calibrate-cpu.ts';
export type { RampFit } from './calibrate-draw.ts';

export interface RampCalibration extends Calibration {
  fit: RampFit;
}

export interface RampOptions extends CalibrateOptions {
  /**
   * the event loop's background (the utilisation line's intercept a), in process: `elastic`
   * (default) — polling that gives way, the records' work is the slope b and the loop is full at
   * 1 / b; `capacity` — work the loop cannot shed, b / (1 − a) per record, full at (1 − a) / b
   * (the fit before this option; bench/calibration.ts prints both, for the validation to decide)
   */
  background?: 'elastic' | 'capacity';
  /**
   * beside design runs, the ramp's runs the CPU fits take: `batching` (default) those whose chunks
   * hold 2 records or more (calibrate-cpu.ts batchingRuns), `all` every one
   */
  cpuRuns?: 'batching' | 'all';
  /**
   * in process, where ramp runs have their event loop full and design runs gave the contrasts: the
   * CPU per record read on those runs, the design runs' background off the loop's capacity
   * (calibrate-cycle.ts loopFullCost), and the transport delay not stretched beyond the ramp (the
   * chunk station's queue on the loop is that wait: modelAt). Off by default: re-scored with ramps
   * into the full loop it moved the in-process knee within 5 % on calib-sim23 and 24 and 13–25 % low
   * on calib-sim20 and 21 (docs/simulation.md, known gaps)
   */
  loopFull?: boolean;
  /**
   * beyond the ramp, the transport and sink lines held at their value at its top (default), or with
   * `false` stretched by the loops' utilisation, (1 − ρ_top) / (1 − ρ) (calibrate-cpu.ts
   * loopStretch; the default until 2026-12-06 evening). Since the processors fetch with a 20 ms wait
   * (a5d5998) the live fetch cycle holds and p50 stays flat up to about 0.9 of the knee, then jumps,
   * where the stretch made the model's p50 rise from the ramp's top on. Held against stretched on
   * the sittings since (docs/simulation.md, Status ¹⁷–²³), ratio: in process 0.88 / 0.93×, 0.71 /
   * 0.64×, 0.85 / 0.41×, 1.02 / 0.57×, 0.05 / 0.05×, 0.64 / 0.28×, 0.89 / 0.99×, 1.19 / 1.53×
   * (calib-sim29–34, 36, 38), child 0.96 / 1.01×, 1.03 / 0.36×, 0.24 / 0.16×, 0.89 / 1.68×
   * (calib-sim32, 35, 37, 39): better on 6 of 12, worse on 5, mean 0.78 / 0.68× in process and
   * 0.78 / 0.80× child; the default on the first ten, within the sittings' noise on all twelve
   */
  holdLines?: boolean;
}

interface RunPoint {
  summary: RunSummary;
  rate: number;
  queueMs: number;
  sinkMs: number;
  p50: number;
  mean: number;
  chunkSize: number;
  chunkMs: number;
  /** chunks measured (processor_stage_features), else the model server's calls in the measured window, else records */
  chunks: number;
  records: number;
}

function point(summary: RunSummary): RunPoint {
  const m = measuredFigures(summary);
  const t = (k: string) => summary.metrics[k] as TrendData | undefined;
  const feat = t('processor_stage_features'),
    inf = t('processor_stage_inference');
  const records = ((summary.metrics.processor_records as CounterData | undefined)?.count ?? 0) || m.samples;
  const chunks = feat?.count ?? 0;
  const calls = modelCalls(summary);
  return {
    summary,
    rate: m.rate,
    queueMs: t('stage_queue')?.p50 ?? 0,
    sinkMs: t('stage_sink')?.p50 ?? 0,
    p50: m.p50,
    mean: m.mean,
    // child processors record their per-chunk metrics in their own process: the per-record view
    // (every record carries its chunk's time) stands in for the chunk's time, and the embedded
    // model server's calls (one per chunk) give the chunks; without them a chunk size of one
    chunkSize: chunks > 0 ? Math.max(1, records / chunks) : calls ? Math.max(1, calls.records / calls.chunks) : 1,
    chunks:
      chunks > 0
        ? chunks
        : calls
          ? Math.round((calls.chunks * m.samples) / calls.records)
          : (t('stage_features')?.count ?? 0),
    chunkMs:
      chunks > 0
        ? (feat?.mean ?? 0) + (inf?.mean ?? 0)
        : (t('stage_features')?.mean ?? 0) + (t('stage_inference')?.mean ?? 0),
    records,
  };
}

/**
 * The run's chunks as the embedded model server counted them (`extra.modelServer.predictRequests`,
 * one call per chunk) with the records decided over the same run (`extra.accounting.decided`)
 */
function modelCalls(summary: RunSummary): { chunks: number; records: number } | undefined {
  const x = summary.extra as
    | { modelServer?: { predictRequests?: number }; accounting?: { decided?: number } }
    | undefined;
  const chunks = x?.modelServer?.predictRequests ?? 0,
    records = x?.accounting?.decided ?? 0;
  return chunks > 0 && records > 0 ? { chunks, records } : undefined;
}

type Costs = Omit<
  RampFit,
  'rmsLogError' | 'rates' | 'mainCpuFrom' | 'eventLoop' | 'mainCpuSe' | 'chunkSlopeMs' | 'chunkLineFrom' | 'designRuns'
>;

/** an empirical spec with every value multiplied by k (a stage delay at another load) */
function scaled(spec: ServiceTimeSpec, k: number): ServiceTimeSpec {
  if (spec.type !== 'empirical' || Math.abs(k - 1) < 1e-9) return spec;
  const hdr = scaledMerge([{ hdr: spec.hdr, k }]);
  return hdr ? { type: 'empirical', hdr } : spec;
}

/**
 * The load-dependent line at `rate`, as a factor on the lowest-rate run's mean (never below 1/4),
 * held at its value at `top` beyond it. Why not extrapolated: the waits it carries (producer
 * linger, the wait for the consumer's next fetch, the sink's acknowledgement) grow while the
 * processor's fetch cycle fills up and are bounded once it is busy all the time (linger 2 ms, fetch
 * wait ≤ 50 ms, one chunk's time); on the quiet ramp of this machine transport p50 went 10.7, 10.7,
 * 21.4, 22.1 ms at 250, 500, 1000, 2000/s and the chunks per second 181, 297, 309, 377, and live
 * it stayed at 20–31 ms up to 7000/s. Latency that grows beyond the ramp is the CPU model's.
 */
function factor(line: [number, number], rate: number, baseMean: number, top: number): number {
  const r = Math.min(rate, top);
  return baseMean > 0 ? Math.max(0.25, (line[0] + line[1] * r) / baseMean) : 1;
}

const lineAt = (l: [number, number], rate: number) => l[0] + l[1] * rate;

/**
 * The calibrated model at `rate`: transport and sink delays stretched along their fitted lines,
 * the chunk's per-record time as model-server perItemMs, the CPU on hosts (in process one fifo
 * core; child processors one more host).
 */
function modelAt(base: Calibration, f: Costs, rate: number): Calibration['sim'] {
  const child = base.source.processorMode === 'child';
  const procHost = child ? 'processors' : 'main';
  const procCpu = child ? (f.processorCpuPerRecordMs ?? 0) : 0;
  const c = base.sim.consumers!,
    k = base.sim.sink!;
  // the main host's CPU per record at this rate: its own, plus its requests' spread over the records
  const q = f.mainCpuPerRequest;
  const mainAt = (r: number) =>
    f.mainCpuPerRecordMs + (q ? (q.ms * lineAt(q.requestsPerSec, Math.min(r, f.topRate))) / r : 0);
  const mainMs = mainAt(rate);
  // in process the costs are the process's CPU time, of which the helper threads do a share beside
  // the loop (calibrate-cpu.ts loopCapacity): the loop's own is that much less
  const cap = child ? 1 : (f.mainLoopCapacity ?? 1);
  const loops = [{ msPerRecord: mainAt, cores: cap }];
  if (procCpu > 0) loops.push({ msPerRecord: () => procCpu, cores: base.source.processors });
  const stretch = f.holdLines ? 1 : loopStretch(rate, f.topRate, loops);
  // With the loop full (f.loopFull, in process) the records' cost fills the model's loop where it
  // fills live, and the chunk station queues on it: a free worker takes everything waiting, so the
  // model's cycle lengthens by itself as F / (1 − rate / K). That queue is the wait for the
  // consumer's next fetch, which live is in transport; stretching transport as well counted the
  // same wait twice (p50 +113 % at 13,700/s on calib-sim24, +138 % at 10,500/s on calib-sim26).
  // The sink's wait (the results consumer's turn on the loop) has no station in the model: it keeps
  // the stretch.
  const transportStretch = !child && f.loopFull ? 1 : stretch;
  return {
    ...base.sim,
    consumers: {
      ...c,
      process: scaled(
        c.process!,
        transportStretch * factor(f.transportMs, rate, lineAt(f.transportMs, f.baseRate), f.topRate),
      ),
    },
    modelServer: { ...base.sim.modelServer, perItemMs: f.chunkPerRecordMs },
    sink: { write: scaled(k.write!, stretch * factor(f.sinkMs, rate, lineAt(f.sinkMs, f.baseRate), f.topRate)) },
    hosts: {
      main: { cores: 1, discipline: 'fifo' },
      ...(child ? { processors: { cores: base.source.processors, discipline: 'fifo' } } : {}),
    },
    cpu: child
      ? {
          consumers: { host: 'main', perRecordMs: mainMs / 2 },
          ...(procCpu > 0
            ? {
                modelServer: {
                  host: procHost,
                  perRecordMs: procCpu,
                  ...(f.processorCpuPerChunkMs ? { perBatchMs: f.processorCpuPerChunkMs } : {}),
                },
              }
            : {}),
          sink: { host: 'main', perRecordMs: mainMs / 2 },
        }
      : // one event loop: a record's work is done in its chunk's callbacks, as lumpy as it is live
        {
          modelServer: {
            host: 'main',
            perRecordMs: f.mainCpuPerRecordMs / cap,
            ...(f.mainCpuPerChunkMs ? { perBatchMs: f.mainCpuPerChunkMs / cap } : {}),
          },
        },
  };
}

function logError(base: Calibration, f: Costs, points: RunPoint[]): number {
  let s = 0;
  for (const p of points) {
    const r = simulate({
      ...modelAt(base, f, p.rate),
      durationMs: p.summary.durationMs,
      warmupMs: Math.min(p.summary.warmupMs, p.summary.durationMs / 2),
      arrivals: { kind: 'constant', rate: p.rate },
      stageHistograms: false,
    });
    const e = r.metrics.e2e_latency as TrendData;
    s += Math.log(Math.max(1e-6, e.p50) / p.p50) ** 2;
  }
  return Math.sqrt(s / points.length);
}

/**
 * The main host's measured CPU: where the runs counted the main process's requests, its CPU time
 * per record and per request (calibrate-cpu.ts mainCpuTwoWay: in child mode the requests' rate
 * spread over the records, in process their CPU per chunk); else in child mode its CPU time per
 * record, in process the event loop's utilisation line. Child mode prefers the CPU time to the
 * loop's utilisation slope (busy time that is not CPU: on the quiet sitting calib-quiet2 the slope
 * was 0.15 ms, knee −30 %; the CPU time's 0.11 ms, knee −5 %; docs/simulation.md, known gaps).
 */
function mainCpuOf(points: RunPoint[], child: boolean, options: RampOptions, design: RunPoint[]) {
  const twoWay = mainCpuTwoWay(points, design, options.cpuRuns !== 'all', !child);
  const perChunk = !child && twoWay?.requestsPerCall ? twoWay.perRequestMs * twoWay.requestsPerCall : undefined;
  const elu = eventLoopFit(points, options.background === 'capacity');
  const mainCpu =
    twoWay && (child || perChunk)
      ? { w: twoWay.perRecordMs, se: twoWay.se }
      : child
        ? processCpu(points, 'mainMs')
        : undefined;
  const measured = mainCpu ?? elu;
  // in process, with options.loopFull: the CPU per record read where the ramp's loop was full
  const f =
    !child && perChunk && twoWay?.by === 'design contrasts' && options.loopFull
      ? loopFullCost(points, design, twoWay)
      : undefined;
  return {
    twoWay: child || perChunk ? twoWay : undefined,
    perChunk,
    elu,
    mainCpu,
    measured: f ? { w: f.perRecordMs, se: measured?.se ?? 0 } : measured,
    full: f && { runs: f.runs, backgroundCores: f.backgroundCores, contrastMs: twoWay!.perRecordMs },
  };
}

/** in process, the loop's capacity (calibrate-cpu.ts loopCapacity) less the background a full loop leaves */
const capacityOf = (runs: RunSummary[], full: RampFit['loopFull']) =>
  Math.max(0.1, (loopCapacity(runs) ?? 1) - (full?.backgroundCores ?? 0));

/** the runs as points, lowest rate first: two or more runs at two or more rates, or a clear error */
function rampPoints(summaries: RunSummary[]): RunPoint[] {
  if (summaries.length < 2)
    throw new PipelabError('INVALID_ARGUMENT', `a ramp calibration needs two or more runs, got ${summaries.length}`, {
      hint:
        'pass live runs of the same pipeline at different rates, e.g. ' +
        'pipelab calibrate /tmp/r250 /tmp/r500 /tmp/r1000',
    });
  const points = summaries.map(point).sort((a, b) => a.rate - b.rate);
  const rates = points.map((p) => p.rate);
  if (new Set(rates).size < 2)
    throw new PipelabError(
      'INVALID_ARGUMENT',
      `the runs must be at two or more different rates, got ${rates.join(', ')}`,
      {
        hint: 'run the same scenario with --rate at e.g. 250, 500, 1000',
      },
    );
  return points;
}

/**
 * The ramp calibration (docs/simulation.md, "Calibration on a ramp"). With `options.loopFull`, the
 * read must leave a model that keeps up where the runs it read kept up (calibrate-cycle.ts
 * behindWhereKeptUp), else it is set aside for the contrasts' cost (`loopFullRejected`, a note).
 */
export function calibrateRuns(summaries: RunSummary[], options: RampOptions = {}): RampCalibration {
  const cal = rampCalibration(summaries, options);
  if (!cal.fit.loopFull) return cal;
  const behind = behindWhereKeptUp(cal, designRuns(summaries).ramp);
  if (!behind) return cal;
  const own = rampCalibration(summaries, { ...options, loopFull: false });
  const perRecordMs = cal.fit.mainCpuPerRecordMs;
  const r = (x: number) => x.toPrecision(2);
  own.fit.loopFullRejected = { perRecordMs, rate: behind.rate, decidedPerSec: behind.decided };
  own.notes.push(
    `the CPU per record read with the loop full (${r(perRecordMs)} ms on ${cal.fit.loopFull.runs} ramp run(s)) ` +
      `not used: with it the model decides ${Math.round(behind.decided)}/s at ${behind.rate}/s, where that ramp ` +
      "run kept up, so those runs were in another state than the model's (the standing-queue state); the " +
      `contrasts' ${r(own.fit.mainCpuPerRecordMs)} ms instead`,
  );
  return own;
}

function rampCalibration(summaries: RunSummary[], options: RampOptions): RampCalibration {
  // runs with other partitions or linger than the lowest-rate run's: the CPU fits' design only
  const split = designRuns(summaries);
  const points = rampPoints(split.ramp);
  const design = split.design.map(point);
  const rates = points.map((p) => p.rate);
  const base = calibrate(points[0]!.summary, options);
  // within runs where they reported their chunks by size (extra.chunkClasses), else one mean per run
  const line = chunkLine(
    points.map((p) => p.summary),
    points.map((p) => p.chunkSize),
    points.map((p) => p.chunkMs),
  );
  const child = base.source.processorMode === 'child';
  const children = child ? childrenCpuTwoWay(points, design, options.cpuRuns !== 'all') : undefined;
  const processorCpuPerRecordMs = child ? (children?.perRecordMs ?? processCpu(points, 'childrenMs')?.w) : undefined;
  const { twoWay, perChunk, elu, mainCpu, measured, full } = mainCpuOf(points, child, options, design);
  // the chunk's measured time includes the CPU its host is charged per record (the children's, or
  // the event loop's in process), which the simulated chunk does on that host besides its delay:
  // only the rest of the slope is delay (the wait for the model server, for the loop's other work)
  const chunkHostCpu = child ? (processorCpuPerRecordMs ?? 0) : (measured?.w ?? 0);
  const chunkPerRecordMs = Math.max(0, line.b - chunkHostCpu);
  const rs = points.map((p) => p.rate);
  const lineOf = (ys: number[]): [number, number] => {
    const l = leastSquares(rs, ys);
    return [l.a, Math.max(0, l.b)];
  };
  const partial = {
    baseRate: rs[0]!,
    topRate: rs[rs.length - 1]!,
    transportMs: lineOf(points.map((p) => p.queueMs)),
    sinkMs: lineOf(points.map((p) => p.sinkMs)),
    chunkFixedMs: line.a,
    chunkPerRecordMs,
    ...(processorCpuPerRecordMs !== undefined ? { processorCpuPerRecordMs } : {}),
    ...(children ? { processorCpuPerChunkMs: children.perChunkMs } : {}),
    ...(perChunk ? { mainCpuPerChunkMs: perChunk, mainCpuBy: twoWay!.by } : {}),
    ...(!child && mainCpu ? { mainLoopCapacity: capacityOf([...split.ramp, ...split.design], full) } : {}),
    ...(full ? { loopFull: full } : {}),
    ...(options.holdLines !== false ? { holdLines: true as const } : {}),
  } as Omit<Costs, 'mainCpuPerRecordMs' | 'slopeShare'>;
  if (twoWay && child) partial.mainCpuPerRequest = { ms: twoWay.perRequestMs, requestsPerSec: twoWay.requestsPerSec };
  base.sim = pooledDelays(base.sim, points); // the delays' shape from every run (calibrate-pool.ts)
  const err = (w: number) => logError(base, { ...partial, mainCpuPerRecordMs: w }, points);
  const cpu = measured ? { w: measured.w, e: err(measured.w) } : fitMainCpu(err);
  // the measured stage lines include the CPU queueing the hosts now model: keep the share of their
  // slopes (0…1) that best matches the runs, so the load's effect is not counted twice
  const slopes = (k: number) => ({
    ...partial,
    transportMs: [partial.transportMs[0], partial.transportMs[1] * k] as [number, number],
    sinkMs: [partial.sinkMs[0], partial.sinkMs[1] * k] as [number, number],
    mainCpuPerRecordMs: cpu.w,
  });
  const share = golden((k) => logError(base, slopes(k), points), 0, 1, 8);
  const best = share.e < cpu.e ? { w: cpu.w, e: share.e, k: share.x } : { w: cpu.w, e: cpu.e, k: 1 };
  Object.assign(partial, { slopeShare: best.k, ...slopes(best.k) });
  const se = (ys: number[]) => {
    const l = leastSquares(rs, ys);
    return slopeStandardError(rs, ys, l.a, l.b);
  };
  const fit: RampFit = {
    rates,
    ...partial,
    ...(design.length ? { designRuns: design.length } : {}),
    chunkSlopeMs: line.b,
    chunkSlopeSe: line.se,
    chunkLineFrom: line.from,
    ...(points[0]!.chunks > 0 ? { chunkSamples: points[0]!.chunks } : {}),
    transportSlopeSe: se(points.map((p) => p.queueMs)),
    sinkSlopeSe: se(points.map((p) => p.sinkMs)),
    slopeShare: best.k,
    mainCpuPerRecordMs: best.w,
    // mainCpuOf returns twoWay only where it was used (child mode, or a per-chunk cost in process)
    mainCpuFrom: twoWay
      ? 'main process CPU time per record and request'
      : mainCpu
        ? 'main process CPU time'
        : elu
          ? 'event-loop utilisation'
          : 'latency fit',
    ...(measured ? { mainCpuSe: measured.se } : {}),
    ...(elu ? { eventLoop: { background: elu.a, perRecordMs: elu.b, treated: options.background ?? 'elastic' } } : {}),
    rmsLogError: best.e,
  };
  return {
    ...base,
    sim: modelAt(base, fit, rates[rates.length - 1]!),
    atRate: (rate, draw) => {
      if (!draw) return modelAt(base, fit, rate);
      const d = drawn(base, fit, draw);
      return modelAt(d.base, d.fit, rate);
    },
    fit,
    source: { ...base.source, rate: rates[rates.length - 1]! },
    notes: rampNotes(base, fit),
  };
}
