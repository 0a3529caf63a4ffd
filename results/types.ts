/**
 * The result of one run: plain, serialisable data (summary.json). Reports, notebooks, threshold
 * evaluation and `pipelab compare` read only this. Live runs and simulated runs write the same
 * shape. Documented for users in docs/summary-schema.md; bump SUMMARY_SCHEMA on any breaking change.
 *
 * Units: durations and latencies in milliseconds (floats) everywhere in this file; HDR histograms
 * record integer MICROseconds internally (see harness/metrics) and are stored encoded.
 */
export const SUMMARY_SCHEMA = 'pipelab.summary/v1' as const;

export type ServiceMode = 'external' | 'container' | 'local' | 'embedded' | 'simulated' | 'none';

export interface ServiceInfo {
  mode: ServiceMode;
  /** e.g. bootstrap servers, URL, binary path, container image */
  detail?: string;
}

/** k6-style metric types */
export type MetricType = 'trend' | 'counter' | 'rate' | 'gauge';

export interface Percentiles {
  p50: number;
  p90: number;
  p95: number;
  p99: number;
  'p99.9': number;
}

export interface TrendData extends Percentiles {
  type: 'trend';
  unit: 'ms';
  count: number;
  min: number;
  max: number;
  mean: number;
  stdev: number;
  /**
   * HDR histogram (µs values), hdr-histogram-js encodeIntoCompressedBase64; decode, merge and read with results/hdr.ts
   */
  hdr: string;
}

export interface CounterData {
  type: 'counter';
  count: number;
  /** per second over the measured (steady, post-warm-up) window */
  rate: number;
}

/** share of non-zero (true) samples, e.g. errors / checks (k6 Rate) */
export interface RateData {
  type: 'rate';
  passes: number;
  fails: number;
  /** passes / (passes + fails); 0 when empty */
  rate: number;
}

export interface GaugeData {
  type: 'gauge';
  value: number;
  min: number;
  max: number;
}

export type MetricData = TrendData | CounterData | RateData | GaugeData;

/**
 * One second of the run (t = ms since run start, bucket start). Only what was recorded in that
 * second. Trend points carry percentiles, not histograms, so memory stays small and flat.
 */
export interface TimePoint {
  t: number;
  /** e.g. { latency: {count, p50, p90, p95, p99, max}, iterations: {count}, errors: {count}, vus: {value} } */
  [metric: string]: number | TimePointValue;
}
export interface TimePointValue {
  count?: number;
  value?: number;
  p50?: number;
  p90?: number;
  p95?: number;
  p99?: number;
  max?: number;
}

export interface ThresholdResult {
  /** metric name, with a tag filter if any, e.g. `latency{status:200}` */
  metric: string;
  /** the expression as written, e.g. `p(99)<500` or `p(99)<500 in every 10s window` */
  expression: string;
  ok: boolean;
  /** the observed value(s) the expression was checked against, e.g. { 'p(99)': 812.3 } */
  observed: Record<string, number>;
  abortOnFail: boolean;
  /** set when this threshold aborted the run */
  abortedAtMs?: number;
  /** windowed thresholds: the first failing window [startMs, endMs) */
  failedWindow?: [number, number];
  /** why the figure is what it is, when that needs saying (no samples, run shorter than the window) */
  note?: string;
}

export interface ExecutorResult {
  name: string;
  type: string;
  /** iterations the plan called for (open model) or that ran (closed model) */
  scheduled: number;
  completed: number;
  /** open model: iterations that could not start on time because no VU was free */
  dropped: number;
  /** open model: max lag of the scheduler behind its own plan, ms (the generator fell behind) */
  maxSchedulerLagMs: number;
}

export interface RunSummary {
  schema: typeof SUMMARY_SCHEMA;
  harness: { name: 'pipelab'; version: string; node: string };
  scenario: { name: string; file?: string; description?: string; tags: Record<string, string> };
  seed: number;
  /**
   * present when this run was one share of a scenario (k6 execution segments): which share and the
   * whole partition; `pipelab merge` joins such runs
   */
  executionSegment?: { segment: string; sequence: string };
  /** `pipelab merge` (or `--workers`): the runs joined into this summary, each with its segment */
  merged?: { label: string; segment: string }[];
  /** the resolved scenario config (after CLI overrides), so a run can be repeated */
  config: unknown;
  services: Record<string, ServiceInfo>;
  /** ISO timestamps */
  startedAt: string;
  endedAt: string;
  durationMs: number;
  warmupMs: number;
  /**
   * set when the run's books could not close (the target's teardown failed): the figures are
   * partial, the accounting says `incomplete`, every report shows it and the run exits 107
   */
  incomplete?: { reason: string };
  /** the scenario's fault timeline as it happened (docs/faults.md) */
  faults?: FaultRecord[];
  /** why the run ended early, if it did */
  aborted?: { by: 'threshold' | 'signal' | 'error'; reason: string; atMs: number };
  /** key: metric name, or name{tag:value,...} for tagged sub-metrics (k6 style) */
  metrics: Record<string, MetricData>;
  timeseries: { intervalMs: number; points: TimePoint[] };
  thresholds: ThresholdResult[];
  executors: ExecutorResult[];
  /** process CPU (%, of one core), RSS/heap (MB), event-loop delay (ms) sampled during the run */
  system: {
    cpuPercent: { mean: number; max: number };
    /**
     * growthPerMin: the least-squares slope over the measured window (after the warm-up), MB per
     * minute; present on live runs with at least a minute of samples there. RSS is fitted on the
     * samples; the heap on the old generation after each major GC ('after-major-gc'), or on the
     * samples when the window held fewer than 4 major GCs ('samples'): growthBasis says which
     */
    rssMb: { mean: number; max: number; growthPerMin?: number };
    heapUsedMb: { mean: number; max: number; growthPerMin?: number; growthBasis?: 'after-major-gc' | 'samples' };
    eventLoopDelayMs: { p50: number; p99: number; max: number };
  };
  /**
   * live runs: whether pipelab itself (the load generator) was the bottleneck, and why. When it
   * was, the figures measure pipelab as much as the system under test.
   */
  loadGenerator?: LoadGeneratorReport;
  /** free-form extras from targets (e.g. pipeline accounting tally, broker stats) */
  extra?: Record<string, unknown>;
}

/** the load generator's own headroom over a live run (results/saturation.ts decides `saturated`) */
export interface LoadGeneratorReport {
  saturated: boolean;
  /** one sentence per limit crossed, naming the figure and the fix; empty when not saturated */
  reasons: string[];
  /** share of the run the event loop was busy (0..1, performance.eventLoopUtilization) */
  eventLoopUtilization: number;
  /** event-loop delay p99 over the run, ms */
  eventLoopDelayP99Ms: number;
  /** pipelab process CPU, % of one core, mean over the run */
  cpuPercent: number;
  /** the largest lag of an open-model scheduler behind its plan, ms (warm-up included) */
  maxSchedulerLagMs: number;
  /** p99 of how late open-model iterations started against their plan after the warm-up, ms (0: none) */
  schedulerLagP99Ms: number;
  /** iterations that could not start on time because no VU was free, after the warm-up */
  droppedIterations: number;
  /**
   * p99 of how long requests waited for a free connection before going on the wire, after the
   * warm-up, ms (http target's raw engine: http_req_blocked; 0 where not measured). Not a reason on
   * its own: a slow server fills the connections too; it says where the latency was spent.
   */
  connectionWaitP99Ms: number;
}

/** one fault of the scenario's timeline as it happened (ms since the run start) */
export interface FaultRecord {
  /** its index in the scenario's `faults` */
  index: number;
  kind: string;
  target: string;
  /** short label drawn on the charts, e.g. "latency 200ms → redis" */
  label: string;
  /** planned start and duration (ms) */
  atMs: number;
  durationMs?: number;
  /** when it took effect and when it was lifted (absent: never started / lasted to the end) */
  startedMs?: number;
  endedMs?: number;
  /** what it hit: a pid, a proxy and its connections, the processors bounced */
  hit: string[];
  /** why it could not be applied or lifted, if it could not */
  error?: string;
  /** what it did to the latency SLO (results/faults.ts) */
  impact?: {
    sloP99Ms: number;
    p99DuringMs: number | null;
    minutesOverSla: number;
    timeToRecoverMs: number | null;
    recovered: boolean;
  };
}
