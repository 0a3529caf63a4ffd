/** What the discrete-event model takes besides its config, and what it returns. */
import type { MetricData, ThresholdResult, TimePoint } from '../../../results/types.ts';
import type { CompiledThresholds } from '../../thresholds/api.ts';
import type { ScaleDecision } from '../autoscale/types.ts';
import type { HostFigures } from './cpu.ts';
import type { GroupName, ReplicaChange } from './groups.ts';

export interface ModelOutput {
  /** the registry's snapshot: e2e_latency, stage_*, events_processed/generated, gauges */
  metrics: Record<string, MetricData>;
  /** the registry's per-second points */
  points: TimePoint[];
  /** the hooks' thresholds evaluated on the registry at the end (empty without) */
  thresholdResults: ThresholdResult[];
  /** set when an abortOnFail threshold stopped the run (at atMs, a whole second) */
  abortedBy?: { threshold: ThresholdResult; atMs: number };
  generated: number;
  processed: number;
  backlog: number;
  inFlight: number;
  maxLag: number;
  replicaTimeline: ReplicaChange[];
  /** replica-seconds per group over the whole run (for cost) */
  replicaSeconds: Record<GroupName, number>;
  decisions: ScaleDecision[];
  decisionsDropped: number;
  rebalances: number;
  eventsProcessed: number;
  peakPendingEvents: number;
  /** micro-batches run by the model servers */
  modelBatches: { count: number; meanSize: number; full: number };
  /** per CPU host (only when the config declares hosts) */
  hosts?: Record<string, HostFigures>;
}

export interface ModelHooks {
  /** called after each simulated second is closed (t = ms since start); for probes and progress */
  onTick?: (tMs: number) => void;
  /** compiled thresholds: prepared on the model's registry, checked every simulated second, evaluated at the end */
  thresholds?: CompiledThresholds;
}

/** Kinds of event on the model's queue (the queue stores a kind and one number of data). */
export const ARRIVAL = 0;
export const CPU_DONE = 1;
export const FEAT_DONE = 2;
export const FLUSH = 3;
export const BATCH_DONE = 4;
export const SINK_DONE = 5;
export const TICK = 6;
export const REBALANCE_DONE = 7;
export const POD_READY = 8;
export const SYNC = 9;
export const KEDA_POLL = 10;
export const END = 11;
/** a CPU host's next job completion (cpu.ts; data: version × 128 + host) */
export const HOST_DONE = 12;
