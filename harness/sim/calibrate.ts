/**
 * Calibration: a simulator config built from a live run of the reference pipeline (its
 * RunSummary), and predictions of other rates with it.
 *
 * How the live pipeline maps onto the simulator's stations (see docs/simulation.md,
 * "Calibration"):
 * - `stage_queue` (intended send → processor picked the record up: producer linger, broker,
 *   the consumer's fetch wait) becomes the consumers' per-record `process` time on unlimited
 *   cores, i.e. a pure **transport delay** replayed from the calibration run's histogram;
 * - the processor handles a fetched chunk at a time: feature lookups + writes, then one model
 *   call for the chunk. Every record of a chunk waits for the whole chunk, so `stage_features`
 *   and `stage_inference` are per-chunk times. They become one **batch server** per processor
 *   worker (the simulator's model-server station: a batch leaves with whatever waits, up to the
 *   chunk size, as soon as a worker is free; batch time = features + inference sampled
 *   independently). Records arriving while all workers are busy queue: that is where load
 *   shows up as latency;
 * - `stage_sink` (processor handed the decision to its producer → observed) is a pure delay.
 * The feature-store station is a zero delay (its time is inside the batch).
 */
import { PipelabError } from '../../errors.ts';
import { tryParseDuration } from '../../results/duration.ts';
import { encodeValues } from '../../results/hdr.ts';
import { textTable } from '../../results/table.ts';
import type { CounterData, RunSummary, TrendData } from '../../results/types.ts';
import { Rng } from '../../generators/rng.ts';
import { empiricalFromSummary, sampler, type ServiceTimeSpec } from './dist.ts';
import type { PipelineSimConfig } from './config.ts';
import { type SimExtra, simulate } from './simulate.ts';
import { extrapolationNote, type Interval, replicate } from './uncertainty.ts';
import { PROCESSOR_DEFAULTS } from '../../pipeline/processor/index.ts';

export interface CalibrationSource {
  scenario: string;
  /** arrival rate of the live run, events/s (from its constant-arrival-rate executor) */
  rate: number;
  durationMs: number;
  warmupMs: number;
  processors: number;
  processorMode: string;
  partitions: number;
  /** batch workers per processor (kafkajs partitionsConsumedConcurrently) */
  concurrency: number;
  chunkSize: number;
  modelBatchSize?: number;
  users: number;
}

export interface MeasuredFigures {
  rate: number;
  p50: number;
  p99: number;
  mean: number;
  /** decided (+ dead-lettered) events per second over the measured window */
  throughput: number;
  samples: number;
}

export interface Calibration {
  source: CalibrationSource;
  /** the calibration run's own figures */
  measured: MeasuredFigures;
  /** mean per-stage times of the calibration run, ms */
  stages: { queue: number; features: number; inference: number; sink: number; batch: number };
  /** the simulator config without arrivals/duration: what predict() runs */
  sim: Omit<PipelineSimConfig, 'arrivals' | 'durationMs'>;
  /** assumptions made for this run, in words */
  notes: string[];
  /**
   * the model at a given rate, when stage delays depend on the load (a ramp calibration,
   * calibrate-fit.ts); with `draw`, the calibration's own sampling error is drawn: the fitted
   * costs move by standard normal draws of their standard errors and the measured histograms are
   * resampled (a bootstrap), one draw per replication, so their interval includes it
   */
  atRate?: (rate: number, draw?: Rng) => Omit<PipelineSimConfig, 'arrivals' | 'durationMs'>;
}

export interface CalibrateOptions {
  /** batch workers per processor (default: the processor's concurrency, 6) */
  workersPerProcessor?: number;
  /** extra model time per record of a chunk, ms (default 0: the measured chunk time is replayed as is) */
  perItemMs?: number;
  /** samples drawn to build the features + inference histogram (default 20 000) */
  samples?: number;
  seed?: number;
}

export interface Prediction {
  rate: number;
  durationMs: number;
  p50: number;
  p99: number;
  mean: number;
  throughput: number;
  /** the simulated run, for reports and charts (the first replication's) */
  summary: RunSummary;
  /** with replications > 1: 95 % confidence intervals of the figures over the seeds (uncertainty.ts) */
  interval?: Interval;
  /** set when the rate is outside the calibrated range: the prediction extrapolates */
  extrapolation?: string;
}

interface LiveTarget {
  type?: string;
  processors?: number;
  processorMode?: string;
  partitions?: number;
  modelBatchSize?: number;
  maxInFlight?: number;
  users?: number;
}

/** the arrival rate of a live run: its constant-arrival-rate executors (summed), else iterations/s */
export function liveRate(summary: RunSummary): number {
  const cfg = summary.config as
    | { executors?: Record<string, { executor?: string; rate?: number; timeUnit?: string }> }
    | undefined;
  let rate = 0;
  for (const e of Object.values(cfg?.executors ?? {})) {
    if (e.executor === 'constant-arrival-rate' && typeof e.rate === 'number') rate += e.rate / unitSeconds(e.timeUnit);
  }
  if (rate > 0) return rate;
  const it = summary.metrics.iterations as CounterData | undefined;
  return it?.rate ?? 0;
}

/** an executor's timeUnit in seconds (k6's default, 1 s, when absent or not a duration) */
function unitSeconds(u: string | undefined): number {
  const ms = u === undefined ? undefined : tryParseDuration(u);
  return ms !== undefined && ms > 0 ? ms / 1000 : 1;
}

/** p50/p99/mean of e2e_latency and decided events/s of a live pipeline run */
export function measuredFigures(summary: RunSummary): MeasuredFigures {
  const e2e = summary.metrics.e2e_latency as TrendData | undefined;
  if (e2e?.type !== 'trend' || !e2e.count) throw notPipeline(summary, 'it has no e2e_latency samples');
  const decisions = summary.metrics.decisions as CounterData | undefined;
  const dead = summary.metrics.dead_letters as CounterData | undefined;
  return {
    rate: liveRate(summary),
    p50: e2e.p50,
    p99: e2e.p99,
    mean: e2e.mean,
    throughput: (decisions?.rate ?? 0) + (dead?.rate ?? 0),
    samples: e2e.count,
  };
}

function notPipeline(summary: RunSummary, why: string): PipelabError {
  return new PipelabError(
    'INVALID_ARGUMENT',
    `run "${summary.scenario?.name ?? '?'}" cannot calibrate the simulator: ${why}`,
    {
      hint:
        'calibrate from the summary.json of a live run of the pipeline target (e.g. pipelab run ' +
        'scenarios/smoke.ts), not a simulated one',
    },
  );
}

/** a histogram of the sum of two independent stage times (features + inference per chunk) */
function sumHistogram(
  a: ServiceTimeSpec,
  b: ServiceTimeSpec,
  n: number,
  seed: number,
): { spec: ServiceTimeSpec; mean: number } {
  const sa = sampler(a, '/stage_features'),
    sb = sampler(b, '/stage_inference');
  const rng = new Rng(seed);
  let sum = 0;
  const samples = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const ms = sa.sample(rng) + sb.sample(rng);
    sum += ms;
    // at least 1 µs, as calibration has always recorded it (predictions stay as they were)
    samples[i] = Math.max(0.001, ms);
  }
  const enc = encodeValues(samples);
  return { spec: { type: 'empirical', hdr: enc }, mean: sum / n };
}

export function calibrate(summary: RunSummary, options: CalibrateOptions = {}): Calibration {
  if (!summary || typeof summary !== 'object' || !summary.metrics)
    throw new PipelabError('INVALID_ARGUMENT', 'calibrate() needs a RunSummary (summary.json)', {
      hint: 'pass the parsed summary.json of a live pipeline run',
    });
  if (Object.values(summary.services ?? {}).some((s) => s.mode === 'simulated'))
    throw notPipeline(summary, 'it is a simulated run');
  const cfg = summary.config as { target?: LiveTarget } | undefined;
  const t = cfg?.target;
  if (t?.type !== 'pipeline')
    throw notPipeline(summary, `its target is ${t?.type ? `"${t.type}"` : 'missing'}, not "pipeline"`);
  const processors = t.processors ?? 1;
  if (processors < 1)
    throw notPipeline(summary, 'it ran with processors: 0 (the processing ran elsewhere, its shape is unknown)');
  const measured = measuredFigures(summary);
  const queue = empiricalFromSummary(summary, 'stage_queue');
  const features = empiricalFromSummary(summary, 'stage_features');
  const inference = empiricalFromSummary(summary, 'stage_inference');
  const sink = empiricalFromSummary(summary, 'stage_sink');
  const mean = (m: string): number => (summary.metrics[m] as TrendData).mean;
  const batch = sumHistogram(features, inference, options.samples ?? 20_000, options.seed ?? summary.seed ?? 1);
  const concurrency = options.workersPerProcessor ?? PROCESSOR_DEFAULTS.concurrency;
  const partitions = t.partitions ?? 12;
  const users = t.users ?? 10_000;
  const maxInFlight = t.maxInFlight ?? PROCESSOR_DEFAULTS.maxInFlight;
  const source: CalibrationSource = {
    scenario: summary.scenario?.name ?? '?',
    rate: measured.rate,
    durationMs: summary.durationMs,
    warmupMs: summary.warmupMs,
    processors,
    processorMode: t.processorMode ?? 'in-process',
    partitions,
    concurrency,
    chunkSize: PROCESSOR_DEFAULTS.chunkSize,
    ...(t.modelBatchSize !== undefined ? { modelBatchSize: t.modelBatchSize } : {}),
    users,
  };
  const notes = calibrationNotes(source, measured.rate, mean, options.perItemMs);
  const sim: Calibration['sim'] = {
    name: `calibrated:${source.scenario}`,
    seed: summary.seed ?? 1,
    warmupMs: summary.warmupMs,
    partitions,
    keys: { count: users, zipfS: 1.1 },
    consumers: {
      replicas: processors,
      maxReplicas: processors,
      cores: maxInFlight,
      maxInFlight,
      process: queue,
      rebalancePauseMs: 0,
      startupDelayMs: 0,
    },
    featureStore: {
      replicas: 1,
      maxReplicas: 1,
      hitRate: 1,
      hitRatePerExtraReplica: 0,
      maxHitRate: 1,
      hit: { type: 'deterministic', ms: 0 },
      miss: { type: 'deterministic', ms: 0 },
      startupDelayMs: 0,
    },
    modelServer: {
      replicas: processors * concurrency,
      maxReplicas: processors * concurrency,
      batchSize: source.chunkSize,
      maxWaitMs: 0,
      batch: batch.spec,
      perItemMs: options.perItemMs ?? 0,
      startupDelayMs: 0,
    },
    sink: { write: sink },
    primeControllers: true,
  };
  return {
    source,
    measured,
    notes,
    sim,
    stages: {
      queue: mean('stage_queue'),
      features: mean('stage_features'),
      inference: mean('stage_inference'),
      sink: mean('stage_sink'),
      batch: batch.mean,
    },
  };
}

/** what the calibrated model replays and what it leaves out, for the report */
function calibrationNotes(
  source: CalibrationSource,
  rate: number,
  mean: (metric: string) => number,
  perItemMs: number | undefined,
): string[] {
  return [
    `transport (stage_queue, mean ${fmt(mean('stage_queue'))} ms) replayed as a pure delay; it includes ` +
      `the calibration run's own queueing at ${fmt(rate)}/s, so calibrate at a low rate`,
    `processing: ${source.processors} processor(s) × ${source.concurrency} batch workers, each taking up to ` +
      `${source.chunkSize} waiting records per chunk; chunk time = features (mean ` +
      `${fmt(mean('stage_features'))} ms) + inference (mean ${fmt(mean('stage_inference'))} ms), ` +
      `independent of chunk size${perItemMs ? ` plus ${perItemMs} ms per record` : ''}`,
    `sink (stage_sink, mean ${fmt(mean('stage_sink'))} ms) replayed as a pure delay`,
    source.processorMode === 'in-process'
      ? 'in-process processors share one event loop with the load generator, broker and model server: CPU ' +
        'contention at high rates is not modelled from one run (pass several runs at different rates: a ramp)'
      : 'child processors: each has its own event loop; the shared broker and model server are not modelled as queues',
  ];
}

export interface PredictOptions {
  /** events/s to predict */
  rate: number;
  /** simulated duration (default: the calibration run's) */
  durationMs?: number;
  warmupMs?: number;
  seed?: number;
  /** simulate this many seeds (seed, seed + 1, …) and give each figure's mean and 95 % interval (default 1) */
  replications?: number;
}

export function predict(calibration: Calibration, options: PredictOptions): Prediction {
  if (!(options.rate > 0) || !Number.isFinite(options.rate))
    throw new PipelabError('INVALID_ARGUMENT', `rate must be a positive number of events/s, got ${options.rate}`, {
      hint: 'e.g. --rate 2000',
    });
  const n = options.replications ?? 1;
  if (!Number.isInteger(n) || n < 1 || n > 100)
    throw new PipelabError('INVALID_ARGUMENT', `replications must be a whole number from 1 to 100, got ${n}`, {
      hint: 'e.g. --replications 5 (each is one simulated run)',
    });
  const extrapolation = extrapolationNote(calibration.source.rate, options.rate);
  // each replication also draws the calibration's fitted costs from their sampling distribution
  const draw = (seed: number | undefined) => new Rng(seed ?? 1).fork('calibration');
  const p =
    n > 1 ? replicate((o) => predictOnce(calibration, o, draw(o.seed)), options, n) : predictOnce(calibration, options);
  // the interval travels with the simulated summary, so reports and pipelab compare can draw it
  const withBand = p.interval ? { ...p, summary: withPrediction(p.summary, p.interval) } : p;
  return extrapolation ? { ...withBand, extrapolation } : withBand;
}

function withPrediction(summary: RunSummary, iv: Interval): RunSummary {
  const extra = summary.extra as { sim?: SimExtra } | undefined;
  if (!extra?.sim) return summary;
  const prediction = { replications: iv.replications, p50: iv.p50, p99: iv.p99, throughput: iv.throughput };
  return { ...summary, extra: { ...extra, sim: { ...extra.sim, prediction } } };
}

function predictOnce(calibration: Calibration, options: PredictOptions, draw?: Rng): Prediction {
  const durationMs = options.durationMs ?? calibration.source.durationMs;
  const warmupMs = Math.min(options.warmupMs ?? calibration.source.warmupMs, durationMs / 2);
  const summary = simulate({
    ...(calibration.atRate?.(options.rate, draw) ?? calibration.sim),
    ...(options.seed !== undefined ? { seed: options.seed } : {}),
    name: `${calibration.sim.name}@${options.rate}/s`,
    durationMs,
    warmupMs,
    arrivals: { kind: 'constant', rate: options.rate },
  });
  const e2e = summary.metrics.e2e_latency as TrendData;
  const processed = summary.metrics.events_processed as CounterData;
  // events finished per second of the measured (post-warm-up) window, as the live runs count it
  const throughput = processed.count / Math.max(1e-9, (durationMs - warmupMs) / 1000);
  return { rate: options.rate, durationMs, p50: e2e.p50, p99: e2e.p99, mean: e2e.mean, throughput, summary };
}

export interface ComparisonRow {
  figure: 'p50' | 'p99' | 'mean' | 'throughput';
  unit: 'ms' | 'events/s';
  predicted: number;
  measured: number;
  /** (predicted − measured) / measured */
  relError: number;
}

export function compareWithMeasured(prediction: Prediction, measured: MeasuredFigures): ComparisonRow[] {
  const row = (figure: ComparisonRow['figure'], unit: ComparisonRow['unit'], p: number, m: number): ComparisonRow => ({
    figure,
    unit,
    predicted: p,
    measured: m,
    relError: m !== 0 ? (p - m) / m : p === 0 ? 0 : Infinity,
  });
  return [
    row('p50', 'ms', prediction.p50, measured.p50),
    row('p99', 'ms', prediction.p99, measured.p99),
    row('mean', 'ms', prediction.mean, measured.mean),
    row('throughput', 'events/s', prediction.throughput, measured.throughput),
  ];
}

function fmt(x: number): string {
  return x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2);
}

/** the predicted (and, when given, measured) figures as a plain-text table */
export function formatCalibrationTable(
  calibration: Calibration,
  predictions: Array<{ prediction: Prediction; measured?: MeasuredFigures }>,
): string {
  const s = calibration.source;
  const lines = [
    `calibrated on "${s.scenario}" at ${fmt(s.rate)}/s (${s.processors} processor(s), ${s.processorMode}, ` +
      `${s.partitions} partitions): measured p50 ${fmt(calibration.measured.p50)} ms, p99 ` +
      `${fmt(calibration.measured.p99)} ms, ${fmt(calibration.measured.throughput)}/s`,
    '',
  ];
  const head = ['rate/s', 'figure', 'predicted', 'measured', 'rel. error'];
  const rows: string[][] = [];
  for (const { prediction, measured } of predictions) {
    const cmp = measured ? compareWithMeasured(prediction, measured) : undefined;
    const figs: Array<[ComparisonRow['figure'], number]> = [
      ['p50', prediction.p50],
      ['p99', prediction.p99],
      ['throughput', prediction.throughput],
    ];
    for (const [f, v] of figs) {
      const c = cmp?.find((r) => r.figure === f);
      const unit = f === 'throughput' ? '/s' : ' ms';
      const iv = f === 'mean' ? undefined : prediction.interval?.[f];
      rows.push([
        fmt(prediction.rate),
        f,
        fmt(v) + unit + (iv ? ` (${fmt(iv[0])}–${fmt(iv[1])})` : ''),
        c ? fmt(c.measured) + unit : '—',
        c ? `${c.relError >= 0 ? '+' : ''}${(c.relError * 100).toFixed(1)} %` : '—',
      ]);
    }
  }
  const notes = predictions.flatMap(({ prediction: p }) => (p.extrapolation ? [`- ${p.extrapolation}`] : []));
  const reps = predictions[0]?.prediction.interval?.replications;
  lines.push(
    textTable(head, rows, { align: ['left', 'left', 'right', 'right', 'right'] }),
    ...(reps ? [`(predicted: mean of ${reps} seeds, 95 % interval in brackets)`] : []),
    ...(notes.length ? ['', 'extrapolating:', ...notes] : []),
    '',
    'assumptions:',
    ...calibration.notes.map((n) => `- ${n}`),
  );
  return lines.join('\n');
}
