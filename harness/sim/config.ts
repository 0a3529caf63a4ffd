/**
 * Configuration of a simulated pipeline (producers → partitions → consumer instances →
 * feature store → model-server replicas (micro-batching) → sink), its defaults in one object,
 * and validation that reports every problem with its path.
 */
import { PipelabError, type Issue } from '../../errors.ts';
import { DEFAULT_SLO_P99_MS } from '../../results/slo.ts';
import type { KedaKafkaOptions } from './autoscale/keda.ts';
import type { ScalingPolicy } from './autoscale/policies.ts';
import type { ArrivalSpecInput } from '../../generators/arrivals.ts';
import type { ArrivalProcess } from './arrivals.ts';
import type { ServiceTimeSpec } from './dist.ts';
import type { CpuDemand, HostSpec } from './model/cpu.ts';

export interface PipelineSimConfig {
  name?: string;
  seed?: number;
  /** simulated duration, ms */
  durationMs: number;
  /** the first part of the run kept out of the summary figures (still in the time series) */
  warmupMs?: number;
  /**
   * an arrival spec of generators/arrivals.ts ({ kind: 'poisson', rate: 1000 }, spike, diurnal...), or any
   * ArrivalProcess
   */
  arrivals: ArrivalSpecInput | ArrivalProcess;
  keys?: { count?: number; zipfS?: number };
  partitions?: number;
  /**
   * `dispatch`: records start in partition order (per-key order of starts); `strict`: at most one record per key in
   * flight
   */
  keyOrdering?: 'dispatch' | 'strict';
  consumers?: {
    replicas?: number;
    maxReplicas?: number;
    /** CPU cores per instance: records processed in parallel */
    cores?: number;
    /** in-flight records per instance before it stops fetching (backpressure bound) */
    maxInFlight?: number;
    /** CPU time per record (validate, aggregate, orchestrate) */
    process?: ServiceTimeSpec;
    /** processing pause of the whole group on membership change */
    rebalancePauseMs?: number;
    startupDelayMs?: number;
  };
  featureStore?: {
    replicas?: number;
    maxReplicas?: number;
    hitRate?: number;
    /** hit-rate gain per replica above the first (more cache memory), capped at maxHitRate */
    hitRatePerExtraReplica?: number;
    maxHitRate?: number;
    hit?: ServiceTimeSpec;
    miss?: ServiceTimeSpec;
    startupDelayMs?: number;
  };
  modelServer?: {
    replicas?: number;
    maxReplicas?: number;
    batchSize?: number;
    maxWaitMs?: number;
    /** time for one batch, plus perItemMs per record in it */
    batch?: ServiceTimeSpec;
    perItemMs?: number;
    startupDelayMs?: number;
  };
  sink?: { write?: ServiceTimeSpec };
  /**
   * CPU as a resource (model/cpu.ts): named hosts with N cores, shared by processor sharing among
   * the components placed on them with `cpu`. Without them, components take no CPU time of a host
   * (the consumers' `cores` still limit records processed in parallel).
   */
  hosts?: Record<string, HostSpec>;
  /** where each component runs and the CPU it takes per record / per batch (a host of `hosts`) */
  cpu?: { consumers?: CpuDemand; modelServer?: CpuDemand; sink?: CpuDemand };
  autoscaling?: {
    /** HPA policies per group (e.g. seedPolicies()); several on one group merge into one HPA (max wins) */
    policies?: ScalingPolicy[];
    /** KEDA Kafka scaler on the consumers instead of an HPA policy */
    keda?: KedaKafkaOptions;
  };
  slo?: { p99Ms?: number };
  /**
   * interval of summary.timeseries, a multiple of 1000 ms (default 1000). Long runs (a simulated
   * day) read better, and stay small, at 60 000. SLO-violation minutes are counted per second
   * either way.
   */
  seriesIntervalMs?: number;
  /** start the HPAs with the initial replica count in their history (steady state; default true) */
  primeControllers?: boolean;
  /** record per-stage histograms (stage_queue, stage_process, stage_features, stage_inference, stage_sink) */
  stageHistograms?: boolean;
  /** keep at most this many decisions in the summary (the rest are counted) */
  maxDecisions?: number;
}

export const PIPELINE_DEFAULTS = {
  seed: 1,
  warmupMs: 0,
  keys: { count: 10_000, zipfS: 1.0 },
  partitions: 12,
  keyOrdering: 'dispatch' as 'dispatch' | 'strict',
  consumers: {
    replicas: 3,
    maxReplicas: 12,
    cores: 2,
    maxInFlight: 256,
    process: { type: 'exponential', meanMs: 0.2 } as ServiceTimeSpec,
    rebalancePauseMs: 3000,
    startupDelayMs: 30_000,
  },
  featureStore: {
    replicas: 1,
    maxReplicas: 8,
    hitRate: 0.9,
    hitRatePerExtraReplica: 0.02,
    maxHitRate: 0.99,
    hit: { type: 'lognormal', medianMs: 0.5, sigma: 0.3 } as ServiceTimeSpec,
    miss: { type: 'lognormal', medianMs: 4, sigma: 0.5 } as ServiceTimeSpec,
    startupDelayMs: 20_000,
  },
  modelServer: {
    replicas: 2,
    maxReplicas: 20,
    batchSize: 32,
    maxWaitMs: 5,
    batch: { type: 'lognormal', medianMs: 2, sigma: 0.2 } as ServiceTimeSpec,
    perItemMs: 0.1,
    startupDelayMs: 45_000,
  },
  sink: { write: { type: 'exponential', meanMs: 1 } as ServiceTimeSpec },
  slo: { p99Ms: DEFAULT_SLO_P99_MS },
  stageHistograms: true,
  maxDecisions: 5000,
};

export type ResolvedConfig = Omit<
  PipelineSimConfig,
  'keys' | 'consumers' | 'featureStore' | 'modelServer' | 'sink' | 'slo'
> & {
  seed: number;
  warmupMs: number;
  partitions: number;
  keyOrdering: 'dispatch' | 'strict';
  stageHistograms: boolean;
  maxDecisions: number;
  keys: typeof PIPELINE_DEFAULTS.keys;
  consumers: typeof PIPELINE_DEFAULTS.consumers;
  featureStore: typeof PIPELINE_DEFAULTS.featureStore;
  modelServer: typeof PIPELINE_DEFAULTS.modelServer;
  sink: typeof PIPELINE_DEFAULTS.sink;
  slo: typeof PIPELINE_DEFAULTS.slo;
};

export function resolveConfig(c: PipelineSimConfig): ResolvedConfig {
  const d = PIPELINE_DEFAULTS;
  const r: ResolvedConfig = {
    ...c,
    seed: c.seed ?? d.seed,
    warmupMs: c.warmupMs ?? d.warmupMs,
    partitions: c.partitions ?? d.partitions,
    keyOrdering: c.keyOrdering ?? d.keyOrdering,
    stageHistograms: c.stageHistograms ?? d.stageHistograms,
    maxDecisions: c.maxDecisions ?? d.maxDecisions,
    keys: { ...d.keys, ...c.keys },
    consumers: { ...d.consumers, ...c.consumers },
    featureStore: { ...d.featureStore, ...c.featureStore },
    modelServer: { ...d.modelServer, ...c.modelServer },
    sink: { ...d.sink, ...c.sink },
    slo: { ...d.slo, ...c.slo },
  };
  const issues: Issue[] = [];
  const whole = (v: number, path: string, min: number) => {
    if (!Number.isInteger(v) || v < min) issues.push({ path, message: `must be a whole number ≥ ${min}, got ${v}` });
  };
  const nonneg = (v: number, path: string) => {
    if (!(v >= 0) || !Number.isFinite(v)) issues.push({ path, message: `must be a number ≥ 0, got ${v}` });
  };
  if (!(r.durationMs > 0) || !Number.isFinite(r.durationMs))
    issues.push({ path: '/durationMs', message: `must be a positive number of ms, got ${r.durationMs}` });
  nonneg(r.warmupMs, '/warmupMs');
  if (r.durationMs > 0 && r.warmupMs >= r.durationMs)
    issues.push({ path: '/warmupMs', message: 'must be shorter than durationMs' });
  whole(r.partitions, '/partitions', 1);
  whole(r.keys.count, '/keys/count', 1);
  nonneg(r.keys.zipfS, '/keys/zipfS');
  if (r.keyOrdering !== 'dispatch' && r.keyOrdering !== 'strict')
    issues.push({ path: '/keyOrdering', message: 'must be dispatch or strict' });
  whole(r.consumers.replicas, '/consumers/replicas', 0);
  whole(r.consumers.maxReplicas, '/consumers/maxReplicas', Math.max(1, r.consumers.replicas));
  whole(r.consumers.cores, '/consumers/cores', 1);
  whole(r.consumers.maxInFlight, '/consumers/maxInFlight', 1);
  nonneg(r.consumers.rebalancePauseMs, '/consumers/rebalancePauseMs');
  nonneg(r.consumers.startupDelayMs, '/consumers/startupDelayMs');
  whole(r.featureStore.replicas, '/featureStore/replicas', 1);
  whole(r.featureStore.maxReplicas, '/featureStore/maxReplicas', r.featureStore.replicas);
  if (!(r.featureStore.hitRate >= 0 && r.featureStore.hitRate <= 1))
    issues.push({ path: '/featureStore/hitRate', message: 'must be within [0, 1]' });
  whole(r.modelServer.replicas, '/modelServer/replicas', 1);
  whole(r.modelServer.maxReplicas, '/modelServer/maxReplicas', r.modelServer.replicas);
  whole(r.modelServer.batchSize, '/modelServer/batchSize', 1);
  nonneg(r.modelServer.maxWaitMs, '/modelServer/maxWaitMs');
  nonneg(r.modelServer.perItemMs, '/modelServer/perItemMs');
  if (r.seriesIntervalMs !== undefined && !(Number.isInteger(r.seriesIntervalMs / 1000) && r.seriesIntervalMs >= 1000))
    issues.push({
      path: '/seriesIntervalMs',
      message: `must be a whole number of seconds in ms (1000, 60000, ...), got ${r.seriesIntervalMs}`,
    });
  issues.push(...cpuIssues(r));
  if (issues.length)
    throw new PipelabError('INVALID_SCENARIO', 'invalid pipeline simulation config', {
      issues,
      hint: 'fix the fields listed; defaults are in PIPELINE_DEFAULTS',
    });
  return r;
}

/** hosts with whole cores ≥ 1; every cpu demand on a known host with non-negative costs */
function cpuIssues(r: ResolvedConfig): Issue[] {
  const issues: Issue[] = [];
  const hosts = r.hosts ?? {};
  for (const [name, h] of Object.entries(hosts))
    if (!Number.isInteger(h?.cores) || h.cores < 1)
      issues.push({ path: `/hosts/${name}/cores`, message: `must be a whole number ≥ 1, got ${h?.cores}` });
  for (const [name, h] of Object.entries(hosts))
    if (h?.discipline !== undefined && h.discipline !== 'ps' && h.discipline !== 'fifo')
      issues.push({ path: `/hosts/${name}/discipline`, message: `must be ps or fifo, got ${h.discipline}` });
  for (const [comp, d] of Object.entries(r.cpu ?? {})) {
    if (d === undefined) continue;
    if (!(d.host in hosts))
      issues.push({
        path: `/cpu/${comp}/host`,
        message: `unknown host "${d.host}" (declared in /hosts: ${Object.keys(hosts).join(', ') || 'none'})`,
      });
    for (const k of ['perRecordMs', 'perBatchMs'] as const) {
      const v = d[k];
      if (v !== undefined && (!(v >= 0) || !Number.isFinite(v)))
        issues.push({ path: `/cpu/${comp}/${k}`, message: `must be a number ≥ 0, got ${v}` });
    }
  }
  return issues;
}
