/**
 * steady: the reference pipeline at a constant arrival rate, held to the seed's SLA: end-to-end
 * p99 < 500 ms (alert at 80 %: 400 ms, reported as its own threshold) and error rate < 1 %,
 * with nothing lost. Embedded defaults, or real services:
 *   npx pipelab run scenarios/steady.ts
 *   npx pipelab run scenarios/steady.ts \
 *     --kafka localhost:9092,localhost:9093,localhost:9094 --redis redis://localhost:6379
 */
import { defineScenario } from 'pipelab';

export default defineScenario({
  name: 'steady',
  description: 'Constant arrival rate through the reference pipeline against the SLA (e2e p99 < 500 ms, errors < 1 %)',
  seed: 1,
  tags: { kind: 'steady' },
  warmup: '5s',
  target: { type: 'pipeline', processors: 2, malformedShare: 0.001 },
  executors: {
    main: {
      executor: 'constant-arrival-rate',
      rate: 1000,
      timeUnit: '1s',
      duration: '60s',
      preAllocatedVUs: 200,
      maxVUs: 2000,
    },
  },
  thresholds: {
    e2e_latency: ['p(99)<500', 'p(99)<500 in every 10s window'],
    errors: ['rate<0.01'],
    events_missing: ['count==0'],
    dropped_iterations: ['count==0'],
  },
});
