/**
 * CONTRACT between the engine (scenario schema + loader, executors, targets, runner) and its
 * callers (the CLI, notebooks, and scenario files that run other scenarios).
 *
 *   import { defineScenario } from 'pipelab';
 *   export default defineScenario({ name: 'smoke', target: {...}, executors: {...}, thresholds: {...} });
 *
 *   const scenario = await loadScenario('scenarios/smoke.ts', { seed: 7, duration: '10s' });
 *   const summary = await runScenario(scenario, { signal, onProgress });
 */
import type { MetricType, TimePoint } from '../../results/types.ts';
import type { ScenarioOverrides } from '../scenario/load.ts';

export type { ScenarioOverrides };

export interface Progress {
  phase: 'warmup' | 'steady' | 'stopping';
  elapsedMs: number;
  /** planned total (max over executors), 0 when unknown */
  totalMs: number;
  iterations: number;
  errors: number;
  /** iterations per second over the last second */
  ratePerSec: number;
  /** latency p99 over the last second, ms */
  p99Ms: number;
  vus: number;
  dropped: number;
}

/** what a live observer learns once a second */
export interface LiveTick {
  progress: Progress;
  /** the per-second points completed since the last tick (the shape of summary.timeseries.points) */
  points: TimePoint[];
  /** every metric registered so far and its type */
  metrics: { name: string; type: MetricType }[];
}

/**
 * A live consumer of a running scenario's figures (the CLI's dashboard and Prometheus endpoint):
 * told once what runs, then about once a second what happened. Must not throw or block.
 */
export interface RunObserver {
  start?(info: { scenario: string; seed: number; totalMs: number; warmupMs: number }): void;
  tick(t: LiveTick): void;
}

export interface RunOptions {
  overrides?: ScenarioOverrides;
  /**
   * aborting ends the run cleanly: in-flight iterations finish or time out, summary still returned with
   * aborted.by='signal'
   */
  signal?: AbortSignal;
  /** called about once a second */
  onProgress?: (p: Progress) => void;
  /** live runs: observers of the figures, about once a second (see RunObserver) */
  observers?: RunObserver[];
  /** simulation scenarios: called after each simulated second (t = simulated ms since the start) */
  onSimulatedTick?: (tMs: number) => void;
  /** the scenario's file, recorded in summary.scenario.file (a Scenario from loadScenario carries its own) */
  file?: string;
}
