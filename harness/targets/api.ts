/**
 * CONTRACT for targets: what a scenario drives. Executors call `iterate` on a schedule and
 * measure it; a target may also record its own metrics (e.g. end-to-end latency observed on an
 * output topic) through the registry it gets at setup.
 */
import type { MetricsRegistry, Tags } from '../metrics/api.ts';
import type { ServiceInfo } from '../../results/types.ts';
import type { Rng } from '../../generators/rng.ts';

export interface TargetContext {
  metrics: MetricsRegistry;
  /** ms since run start (virtual in tests) */
  now(): number;
  rng: Rng;
  signal: AbortSignal;
  /** scenario-level tags, added to every sample */
  tags: Tags;
  /**
   * wait `ms` of run time (virtual in tests; timer precision on the real clock). Targets that
   * simulate work should use this rather than setTimeout so virtual-clock tests stay exact.
   * Optional for compatibility: contexts built outside the runner may lack it.
   */
  sleep?(ms: number, signal?: AbortSignal): Promise<void>;
  /** service overrides from the CLI/API (`--kafka`, `services: {...}`), for targets that resolve services */
  services?: Readonly<Record<string, string>>;
  /**
   * the address to use for a service the target resolved (`kafka`, `redis`, `model-server`,
   * `http`): a fault proxy's in front of it when a scenario fault names that service, else the
   * address itself (harness/faults); `instance` tells one node of a service from another (a broker
   * node's id). Optional: contexts built outside the runner lack it.
   */
  proxy?(
    service: string,
    upstream: { host: string; port: number },
    instance?: number,
  ): Promise<{ host: string; port: number }>;
}

export interface IterationContext {
  /** VU id (1-based) */
  vu: number;
  /** global iteration number */
  iteration: number;
  /** run time (ms) at which this iteration was meant to start (open model) or started (closed) */
  intendedStartMs: number;
  signal: AbortSignal;
}

export interface IterationOutcome {
  /** false → counted in the `errors` rate */
  ok: boolean;
  /** extra tags for this sample (e.g. status: '200') */
  tags?: Tags;
}

export interface Target {
  readonly kind: string;
  setup(ctx: TargetContext): Promise<void>;
  /** one unit of work; a thrown error counts as a failed iteration */
  iterate(it: IterationContext): Promise<IterationOutcome>;
  /**
   * Optional fast path for the open model, the same work as iterate() without a promise: start
   * the iteration and call `done` exactly once with its outcome. A throw counts as a failure.
   * `it` and `done` belong to the VU and are reused for its next iteration: keep neither after `done`.
   */
  iterateCallback?(it: IterationContext, done: (o: IterationOutcome) => void): void;
  /**
   * true when all the target does between iterations is read its sockets (the http target's raw
   * engine): at a high arrival rate the open model then holds the thread between its ticks
   * (Clock.hold), so responses are read in batches instead of waking the process once each
   */
  readonly readsInBatches?: boolean;
  /**
   * how many iterations the target carries at once without queueing (the http target: connections
   * × pipelining); the open model's held tick gathers no more than a share of them. None: no limit
   */
  readonly slots?: number;
  /** flush / wait for in-flight results (e.g. end-to-end observations), then release resources */
  teardown(): Promise<void>;
  /** mode of each external component this target used, for the report */
  services(): Record<string, ServiceInfo>;
  /** anything the report should carry (accounting tallies, broker stats) */
  extra?(): Record<string, unknown>;
}
