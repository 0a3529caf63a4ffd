/**
 * CONTRACT for thresholds (k6 syntax, plus sliding windows). Implementation: harness/thresholds/index.ts.
 *
 * Scenario syntax (as k6):
 *   thresholds: {
 *     latency: ['p(99)<500', 'p(95)<200'],
 *     'latency{status:200}': ['avg<100'],
 *     errors: [{ threshold: 'rate<0.01', abortOnFail: true, delayAbortEval: '10s' }],
 *     iterations: ['count>1000'],
 *     latency_window: never -- windows are written inside the expression:
 *     latency: ['p(99)<500 in every 10s window'],
 *   }
 * Aggregations: trend avg|min|max|med|p(N)|count; counter count|rate; rate rate; gauge value|min|max.
 * Operators: < <= > >= == === !=.
 */
import type { MetricData } from '../../results/types.ts';
import type { Issue } from '../../errors.ts';
import type { MetricsRegistry } from '../metrics/api.ts';
import type { ThresholdResult } from '../../results/types.ts';

export type ThresholdSpec = string | { threshold: string; abortOnFail?: boolean; delayAbortEval?: string };

export type ThresholdsConfig = Record<string, ThresholdSpec[]>;

export interface CompiledThresholds {
  /** sub-metric keys and window sizes the registry must track; call before the run */
  prepare(registry: MetricsRegistry): void;
  /**
   * Called about once a second during the run. Returns the failing abortOnFail threshold, if
   * any, whose delayAbortEval has passed (the runner then stops with exit code 108).
   */
  check(registry: MetricsRegistry, nowMs: number): ThresholdResult | undefined;
  /** evaluate everything at the end of the run */
  final(registry: MetricsRegistry, nowMs: number): ThresholdResult[];
  /** evaluate on finished figures (merged runs); windowed thresholds from each run's own results */
  evaluate(metrics: Record<string, MetricData>, parts: ThresholdResult[][]): ThresholdResult[];
}

/** parse and validate; every problem is reported with its path (/thresholds/latency/0) */
export type CompileThresholds = (
  config: ThresholdsConfig,
) => { ok: true; value: CompiledThresholds } | { ok: false; issues: Issue[] };
