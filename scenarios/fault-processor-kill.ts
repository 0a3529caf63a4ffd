/**
 * fault-processor-kill: one of three stream processors (each its own `pipelab process` child) is
 * SIGKILLed mid-batch at 15 s. Nothing is committed for its last chunks and it never leaves the
 * group: the coordinator notices when its session times out, the survivors take its partitions
 * and re-read from the last commit. At least once: the redelivered events show up as duplicates,
 * counted, never hidden; none is lost. The report gives p99 during the fault, the minutes over
 * the SLA and the time to recover.
 *   npx pipelab run scenarios/fault-processor-kill.ts
 */
import { defineScenario } from 'pipelab';

export default defineScenario({
  name: 'fault-processor-kill',
  description: 'A stream processor SIGKILLed mid-batch: the group takes over, 0 lost, duplicates counted',
  seed: 1,
  tags: { kind: 'fault' },
  warmup: '5s',
  target: { type: 'pipeline', processors: 3, processorMode: 'child', partitions: 12, drainTimeout: '30s' },
  executors: {
    main: { executor: 'constant-arrival-rate', rate: 200, duration: '40s', preAllocatedVUs: 50, maxVUs: 500 },
  },
  faults: [{ at: '15s', kind: 'kill', target: 'processor', instance: 0, label: 'processor SIGKILLed mid-batch' }],
  thresholds: {
    events_lost: ['count==0'],
    events_unseen: ['count==0'],
    errors: ['rate<0.01'],
  },
});
