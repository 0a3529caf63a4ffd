/**
 * `simulate(config)`: run the pipeline model and return a RunSummary, the same shape live runs
 * write (services in mode 'simulated'), so reports, thresholds and `pipelab compare` read it
 * unchanged. Deterministic: the same config and seed give byte-identical JSON (timestamps are
 * simulated, from `startedAt`, default the Unix epoch; nothing from the wall clock).
 * Simulator-specific results (replica timeline, decisions, replica-seconds, accounting) sit in
 * `extra.sim`.
 */
import type { RunSummary, ServiceInfo, TimePoint, TimePointValue } from '../../results/types.ts';
import { SUMMARY_SCHEMA } from '../../results/types.ts';
import { recoveryOf, sloViolationMinutes } from '../../results/slo.ts';
import { version } from '../../results/version.ts';
import { resolveConfig, type PipelineSimConfig, type ResolvedConfig } from './config.ts';
import { runModel, type ModelOutput } from './model/index.ts';
import { emptySystemSummary } from '../metrics/system.ts';
import type { CompiledThresholds } from '../thresholds/api.ts';
import type { CostBreakdown } from './cost/cost.ts';

export interface SimExtra {
  generated: number;
  processed: number;
  /** still in partitions at the end */
  backlog: number;
  /** fetched but not finished at the end */
  inFlight: number;
  maxLag: number;
  sloP99Ms: number;
  /** seconds whose p99 exceeded the SLO, / 60 */
  sloViolationMinutes: number;
  /** from the first SLO-violating point until p99 stays within the SLO for a minute (null: never violated) */
  timeToRecoverMs: number | null;
  /** false: p99 was still breaking the SLO (within the last minute) at the end */
  recovered: boolean;
  /** when the load changes (a scenario's loadChangeAtMs), for reaction times */
  loadChangeAtMs?: number;
  /** the run's cost (added by the scenario runner, which has the instance catalogue) */
  cost?: CostBreakdown;
  replicaTimeline: ModelOutput['replicaTimeline'];
  replicaSeconds: ModelOutput['replicaSeconds'];
  decisions: ModelOutput['decisions'];
  decisionsDropped: number;
  rebalances: number;
  /** discrete events processed by the engine */
  events: number;
  peakPendingEvents: number;
  modelBatches: ModelOutput['modelBatches'];
  /** a calibrated prediction with replications: the figures' 95 % intervals (calibrate.ts), for bands */
  prediction?: { replications: number; p50: [number, number]; p99: [number, number]; throughput: [number, number] };
  /** CPU hosts (config `hosts`): cores, utilisation over the run, jobs served */
  hosts?: ModelOutput['hosts'];
}

export interface SimulateOptions {
  /** ISO time the simulated run "starts" (default 1970-01-01T00:00:00.000Z) */
  startedAt?: string;
  /** called after each simulated second (progress bars, memory probes) */
  onTick?: (tMs: number) => void;
  /** thresholds evaluated on the simulated registry (checked every simulated second; abortOnFail stops the run) */
  thresholds?: CompiledThresholds;
}

function configForSummary(cfg: ResolvedConfig): unknown {
  // an ArrivalProcess object is not data: record what it is
  const a = cfg.arrivals as unknown;
  const arrivals = typeof (a as { next?: unknown }).next === 'function' ? { type: 'custom ArrivalProcess' } : a;
  return JSON.parse(JSON.stringify({ ...cfg, arrivals }));
}

/**
 * Coarser series for long runs: per window, counts add up, p99 and max take the worst second,
 * p50/p90/p95 the count-weighted mean of the seconds (an approximation: percentiles do not
 * merge; the run's exact figures are the HDR trends in `metrics`), gauges the last value.
 */
export function downsamplePoints(points: TimePoint[], factor: number): TimePoint[] {
  if (factor <= 1) return points;
  const out: TimePoint[] = [];
  for (let i = 0; i < points.length; i += factor) {
    const chunk = points.slice(i, i + factor);
    const p: TimePoint = { t: chunk[0]!.t };
    const keys = new Set(chunk.flatMap((c) => Object.keys(c).filter((k) => k !== 't')));
    for (const k of keys) {
      const vs = chunk.map((c) => c[k]).filter((v): v is TimePointValue => typeof v === 'object');
      if (!vs.length) continue;
      if (vs.every((v) => v.value !== undefined)) {
        p[k] = { value: vs[vs.length - 1]!.value! };
        continue;
      }
      const count = vs.reduce((a, v) => a + (v.count ?? 0), 0);
      const agg: TimePointValue = { count };
      if (vs.some((v) => v.p50 !== undefined) && count > 0) {
        for (const q of ['p50', 'p90', 'p95'] as const)
          agg[q] = vs.reduce((a, v) => a + (v[q] ?? 0) * (v.count ?? 0), 0) / count;
        agg.p99 = Math.max(...vs.map((v) => v.p99 ?? 0));
        agg.max = Math.max(...vs.map((v) => v.max ?? 0));
      }
      p[k] = agg;
    }
    out.push(p);
  }
  return out;
}

export function simulate(config: PipelineSimConfig, opts: SimulateOptions = {}): RunSummary {
  const cfg = resolveConfig(config);
  const out = runModel(cfg, { onTick: opts.onTick, thresholds: opts.thresholds });
  const durationMs = out.abortedBy?.atMs ?? cfg.durationMs;
  const metrics = out.metrics;
  const sim: ServiceInfo = { mode: 'simulated', detail: 'pipelab discrete-event model' };
  const start = Date.parse(opts.startedAt ?? '1970-01-01T00:00:00.000Z');
  const extra: SimExtra = {
    generated: out.generated,
    processed: out.processed,
    backlog: out.backlog,
    inFlight: out.inFlight,
    maxLag: out.maxLag,
    sloP99Ms: cfg.slo.p99Ms,
    // counted on the per-second points, before any downsampling of the series
    sloViolationMinutes:
      sloViolationMinutes(
        { timeseries: { intervalMs: 1000, points: out.points }, warmupMs: cfg.warmupMs },
        cfg.slo.p99Ms,
      ) ?? 0,
    timeToRecoverMs: null,
    recovered: true,
    replicaTimeline: out.replicaTimeline,
    replicaSeconds: out.replicaSeconds,
    decisions: out.decisions,
    decisionsDropped: out.decisionsDropped,
    rebalances: out.rebalances,
    events: out.eventsProcessed,
    peakPendingEvents: out.peakPendingEvents,
    modelBatches: out.modelBatches,
    ...(out.hosts ? { hosts: out.hosts } : {}),
  };
  const timeseries = {
    intervalMs: cfg.seriesIntervalMs ?? 1000,
    points: downsamplePoints(out.points, (cfg.seriesIntervalMs ?? 1000) / 1000),
  };
  Object.assign(extra, recoveryOf({ timeseries, warmupMs: cfg.warmupMs }, cfg.slo.p99Ms));
  return {
    schema: SUMMARY_SCHEMA,
    harness: { name: 'pipelab', version, node: process.version },
    scenario: { name: cfg.name ?? 'simulation', description: 'simulated pipeline', tags: { mode: 'simulated' } },
    seed: cfg.seed,
    config: configForSummary(cfg),
    services: { kafka: sim, streamProcessor: sim, featureStore: sim, modelServer: sim, sink: sim },
    startedAt: new Date(start).toISOString(),
    endedAt: new Date(start + durationMs).toISOString(),
    durationMs,
    warmupMs: cfg.warmupMs,
    metrics,
    timeseries,
    thresholds: out.thresholdResults,
    ...(out.abortedBy
      ? {
          aborted: {
            by: 'threshold' as const,
            reason: `threshold ${out.abortedBy.threshold.metric}: ${out.abortedBy.threshold.expression} failed`,
            atMs: out.abortedBy.atMs,
          },
        }
      : {}),
    executors: [
      {
        name: 'arrivals',
        type: 'simulated',
        scheduled: out.generated,
        completed: out.processed,
        dropped: 0,
        maxSchedulerLagMs: 0,
      },
    ],
    // not measured for simulated runs (they would make the output depend on the machine)
    system: emptySystemSummary(),
    extra: { sim: extra },
  };
}
