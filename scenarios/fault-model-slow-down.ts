/**
 * fault-model-slow-down: the model server turns slow at 10 s (300 ± 100 ms added to every
 * /predict), then goes down at 20 s for 10 s. The model client's breaker opens, the rules
 * fallback decides meanwhile (counted: decisions{source:rules}), and the breaker closes again
 * once the server is back. Nothing is lost. The report gives p99 during each fault, the minutes
 * over the SLA and the time to recover.
 *   npx pipelab run scenarios/fault-model-slow-down.ts
 */
import { defineScenario } from 'pipelab';

export default defineScenario({
  name: 'fault-model-slow-down',
  description: 'Model server slow, then down: the breaker opens, the rules decide, it closes again; 0 lost',
  seed: 1,
  tags: { kind: 'fault' },
  warmup: '5s',
  target: { type: 'pipeline', processors: 2, partitions: 12, drainTimeout: '30s' },
  executors: {
    main: { executor: 'constant-arrival-rate', rate: 200, duration: '45s', preAllocatedVUs: 50, maxVUs: 500 },
  },
  faults: [
    { at: '10s', duration: '10s', kind: 'slow', target: 'model-server', latency: 300, jitter: 100 },
    { at: '20s', duration: '10s', kind: 'stop', target: 'model-server', label: 'model server down 10 s' },
  ],
  thresholds: {
    events_lost: ['count==0'],
    'decisions{source:rules}': ['count>0'],
    errors: ['rate<0.01'],
  },
});
