/**
 * fault-redis-down: the feature store's redis-server (a local one pipelab starts) is stopped at
 * 15 s and started again on the same port 10 s later, empty (a cold cache). The processors wait
 * for it and go on; nothing acknowledged is lost. The report gives p99 during the outage, the
 * minutes over the SLA and the time to recover. Needs redis-server on PATH.
 *   npx pipelab run scenarios/fault-redis-down.ts
 */
import { defineScenario } from 'pipelab';

export default defineScenario({
  name: 'fault-redis-down',
  description: 'Redis down for 10 s mid-run, then back empty: the pipeline waits and catches up, 0 lost',
  seed: 1,
  tags: { kind: 'fault' },
  warmup: '5s',
  services: { 'redis-mode': 'local' },
  target: { type: 'pipeline', processors: 2, partitions: 12, drainTimeout: '30s' },
  executors: {
    main: { executor: 'constant-arrival-rate', rate: 200, duration: '45s', preAllocatedVUs: 50, maxVUs: 500 },
  },
  faults: [{ at: '15s', duration: '10s', kind: 'stop', target: 'redis', label: 'Redis down 10 s' }],
  thresholds: {
    events_lost: ['count==0'],
    errors: ['rate<0.01'],
  },
});
