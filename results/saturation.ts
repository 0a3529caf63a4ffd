/**
 * Was the load generator the bottleneck? A run whose generator saturates reports its own
 * queueing as the system's latency (and drops iterations), so the summary says so, with the
 * figure that crossed its limit. The limits are deliberately loose: they flag a generator that is
 * clearly out of headroom, not one that is merely busy. Process CPU is reported but is no reason
 * on its own: it counts GC and libuv threads too, so it passes 100 % of a core without the event
 * loop (which sends and receives) being short of time.
 */
import type { LoadGeneratorReport } from './types.ts';

/** a gauge the runner sets at the end of a live run: 1 when saturated, else 0 (for thresholds) */
export const SATURATED_METRIC = 'load_generator_saturated';

export const SATURATION_LIMITS = {
  /** the event loop was busy this share of the run or more */
  eventLoopUtilization: 0.9,
  /** event-loop delay p99, ms: timers (and so the schedule) ran this late */
  eventLoopDelayP99Ms: 100,
  /** p99 of the open-model iterations' start lag after the warm-up, ms */
  schedulerLagP99Ms: 100,
};

export type GeneratorFigures = Omit<LoadGeneratorReport, 'saturated' | 'reasons'>;

export function assessLoadGenerator(f: GeneratorFigures, limits = SATURATION_LIMITS): LoadGeneratorReport {
  const reasons: string[] = [];
  const pct = (x: number) => `${(x * 100).toFixed(0)} %`;
  if (f.droppedIterations > 0)
    reasons.push(
      `${f.droppedIterations} iterations dropped: no free VU when they were due (raise maxVUs, or the ` +
        'system under test is slower than the rate needs)',
    );
  if (f.eventLoopUtilization >= limits.eventLoopUtilization)
    reasons.push(
      `event loop busy ${pct(f.eventLoopUtilization)} of the run (limit ${pct(limits.eventLoopUtilization)}): ` +
        'pipelab had no time left to send on schedule; lower the rate or use more workers',
    );
  if (f.eventLoopDelayP99Ms >= limits.eventLoopDelayP99Ms)
    reasons.push(
      `event-loop delay p99 ${f.eventLoopDelayP99Ms.toFixed(0)} ms (limit ${limits.eventLoopDelayP99Ms} ms): ` +
        'timers and responses were handled late',
    );
  if (f.schedulerLagP99Ms >= limits.schedulerLagP99Ms)
    reasons.push(
      `iterations started late: p99 ${f.schedulerLagP99Ms.toFixed(0)} ms behind their plan (limit ` +
        `${limits.schedulerLagP99Ms} ms), and their latency counts that wait`,
    );
  return { saturated: reasons.length > 0, reasons, ...f };
}
