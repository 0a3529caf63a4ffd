/**
 * quickstart: ten seconds of open-model load on an in-process function that answers in ~2 ms with
 * 0.5 % errors. Fast, needs no services.
 *   npx pipelab run scenarios/quickstart.ts
 */
import { defineScenario } from 'pipelab';

export default defineScenario({
  name: 'quickstart',
  description: 'Open-model smoke test against an in-process function target (no services needed)',
  seed: 1,
  tags: { kind: 'quickstart' },
  warmup: '1s',
  target: { type: 'function', builtin: 'sleep', ms: 2, jitterMs: 3, errorRate: 0.005 },
  executors: {
    main: {
      executor: 'constant-arrival-rate',
      rate: 200,
      timeUnit: '1s',
      duration: '10s',
      preAllocatedVUs: 10,
      maxVUs: 100,
    },
  },
  thresholds: {
    latency: ['p(99)<200', 'p(99)<300 in every 5s window'],
    errors: [{ threshold: 'rate<0.05', abortOnFail: true, delayAbortEval: '3s' }],
    dropped_iterations: ['count==0'],
  },
});
