// Shared by the report suites: the hand-made RunSummary in test/fixtures/summary.json, and a small simulated run.
import { readFileSync } from 'node:fs';
import type { RunSummary } from '../../results/types.ts';
import { simulate } from '../../harness/sim/simulate.ts';

export function loadFixture(): RunSummary {
  return JSON.parse(readFileSync(new URL('../fixtures/summary.json', import.meta.url), 'utf8')) as RunSummary;
}

/**
 * a 150 s simulated spike: 1 consumer cannot keep up, the lag rule adds consumers after a 10 s start-up (SLO p99 200
 * ms, load change at 20 s)
 */
export function simulatedSpike(): RunSummary {
  return simulate({
    name: 'mini-spike',
    seed: 3,
    durationMs: 150_000,
    partitions: 4,
    arrivals: { kind: 'spike', base: 500, peak: 4000, atMs: 20_000, durationMs: 40_000 },
    consumers: {
      replicas: 1,
      maxReplicas: 4,
      cores: 1,
      process: { type: 'exponential', meanMs: 0.5 },
      startupDelayMs: 10_000,
      rebalancePauseMs: 1000,
    },
    autoscaling: {
      policies: [
        {
          group: 'consumers',
          startupDelayMs: 10_000,
          hpa: {
            maxReplicas: 4,
            metrics: [{ type: 'External', name: 'consumer_lag', target: { type: 'AverageValue', value: 1000 } }],
          },
        },
      ],
    },
    slo: { p99Ms: 200 },
  });
}
