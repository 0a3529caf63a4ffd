/**
 * smoke: the reference pipeline end to end on embedded defaults (embedded Kafka-protocol broker,
 * feature store on a local redis-server when one is installed, else in memory, in-process model
 * server, one stream processor): 12 s at 200
 * transactions/s, 1 % deliberately malformed so the dead-letter path runs. Every event must end
 * decided or dead-lettered (0 missing); the report shows the accounting tally.
 *   npx pipelab run scenarios/smoke.ts
 */
import { defineScenario } from 'pipelab';

export default defineScenario({
  name: 'smoke',
  description:
    'Reference pipeline end to end on embedded defaults: Kafka → stream processor → features → model → Kafka',
  seed: 1,
  tags: { kind: 'smoke' },
  warmup: '2s',
  target: { type: 'pipeline', processors: 1, malformedShare: 0.01, drainTimeout: '10s' },
  executors: {
    main: {
      executor: 'constant-arrival-rate',
      rate: 200,
      timeUnit: '1s',
      duration: '12s',
      preAllocatedVUs: 50,
      maxVUs: 500,
    },
  },
  thresholds: {
    e2e_latency: ['p(99)<500'],
    errors: ['rate<0.01'],
    events_missing: ['count==0'],
  },
});
