/**
 * Summaries shaped like live pipeline runs for the ramp calibration's tests (calibrate-fit.test.ts,
 * calibrate-design.test.ts): simulated runs relabelled as live, with the figures a live run
 * records added (the event loop's utilisation, the child processors' CPU time).
 */
import type { RunSummary } from '../../../results/types.ts';
import { simulate } from '../../../harness/sim/simulate.ts';

/** a "live" run at `rate`: event-loop utilisation 0.3 + 0.2 per 1000/s; children's CPU 0.05 ms per record + 400 ms */
export function liveLike(rate: number, mode: 'in-process' | 'child'): RunSummary {
  const s = simulate({ seed: rate, durationMs: 4000, warmupMs: 1000, arrivals: { kind: 'constant', rate } });
  return {
    ...s,
    services: { kafka: { mode: 'embedded' } },
    config: {
      target: { type: 'pipeline', processors: 1, partitions: 12, processorMode: mode },
      executors: { main: { executor: 'constant-arrival-rate', rate, duration: '4s' } },
    },
    loadGenerator: {
      saturated: false,
      reasons: [],
      eventLoopUtilization: 0.3 + (0.2 * rate) / 1000,
      eventLoopDelayP99Ms: 0,
      cpuPercent: 0,
      maxSchedulerLagMs: 0,
      schedulerLagP99Ms: 0,
      droppedIterations: 0,
      connectionWaitP99Ms: 0,
    },
    extra: { cpu: { mainMs: 0, childrenMs: 400 + 0.05 * rate * 4, wallMs: 5000 } },
  } as RunSummary;
}
