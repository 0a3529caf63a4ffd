/**
 * The result of a capacity search (capacity.json): the probes it ran, each judged against the SLO
 * and the sustainability criteria, and the highest offered rate that passed them all. Written by
 * harness/capacity, read by reports/capacity.ts and by anyone who kept the file. Rates are per
 * second, latencies in milliseconds.
 */
export const CAPACITY_SCHEMA = 'pipelab.capacity/v1' as const;

/** why a probe failed: one code per criterion (the sentence is in `reasons`) */
export type CapacityFailure = 'slo' | 'backlog' | 'dropped' | 'throughput' | 'lost' | 'errors' | 'generator';

/** what a probe is checked against besides the SLO (defaults in harness/capacity/judge.ts) */
export interface CapacityCriteria {
  /**
   * the backlog (offered − completed, or the consumer lag) may grow by at most this share of the
   * offered rate per second
   */
  maxBacklogGrowth: number;
  /** completed per second over offered per second must be at least this */
  minThroughputRatio: number;
  /** the share of failed iterations allowed */
  maxErrorRate: number;
}

export interface CapacityProbe {
  /** 1, 2, … in the order they ran */
  index: number;
  /**
   * ramp: exponential steps up (or down) to bracket the edge; bisect: halving the bracket;
   * confirm: a repeat at the answer
   */
  phase: 'ramp' | 'bisect' | 'confirm';
  /** offered arrival rate, per second */
  rate: number;
  seed: number;
  ok: boolean;
  failures: CapacityFailure[];
  /** one sentence per failed criterion, with the figure */
  reasons: string[];
  /** the SLO's figure (e.g. the p99), ms; NaN-free: null when the metric had no samples */
  observed: number | null;
  /** the headline latency's percentiles over the measured window, ms */
  latency: { p50: number; p90: number; p99: number; max: number; count: number };
  /** completed per second over the measured window */
  achievedPerSec: number;
  /** backlog growth per second (least-squares slope over the measured seconds), events/s */
  backlogSlopePerSec: number;
  dropped: number;
  /** events the pipeline lost (events_missing) */
  lost: number;
  errorRate: number;
  generatorSaturated: boolean;
  /** wall time the probe took, ms (simulated probes: simulated time is `durationMs`) */
  wallMs: number;
  durationMs: number;
}

export interface CapacityResult {
  schema: typeof CAPACITY_SCHEMA;
  harness: { name: 'pipelab'; version: string };
  scenario: { name: string; file?: string; kind: 'live' | 'simulation'; target: string };
  /** the SLO as given (`p(99)<500`) and the metric it is read from */
  slo: { metric: string; expression: string };
  criteria: CapacityCriteria;
  /** the answer is stable when the bracket [lo, hi] is within this relative width: (hi − lo) / hi ≤ tolerance */
  tolerance: number;
  /** passes needed at the answer (the first plus repeats with other seeds) */
  confirmations: number;
  /** length of each probe, ms (warm-up included) */
  stepMs: number;
  /** the highest offered rate that met every criterion on every probe at that rate; null when none did */
  capacityPerSec: number | null;
  /** the lowest rate that failed above the answer; null when the search reached maxRate without a failure */
  failedAtPerSec: number | null;
  /** bracket within tolerance and the answer confirmed */
  stable: boolean;
  /** what stopped the search short of a stable answer, or what bounds the answer */
  limitedBy?: 'max-rate' | 'min-rate' | 'max-probes' | 'load-generator';
  /** one paragraph for a reader: the answer and why the next rate failed */
  note: string;
  /** the knee: the answer's probe (p99, achieved) — the highest point on the curve that held */
  knee: { rate: number; p99: number; achievedPerSec: number } | null;
  probes: CapacityProbe[];
  startedAt: string;
  endedAt: string;
}
