/**
 * fault-processor-kill-eos: fault-processor-kill under exactly-once. One of three stream
 * processors (each its own `pipelab process --guarantee exactly-once` child) is SIGKILLed
 * mid-batch and mid-window at 15 s. Its open transaction is aborted when a survivor takes the
 * partition over (fencing its transactional.id), the survivor restores the partition's windows
 * from the changelog and goes on from the committed offset: 0 lost, 0 duplicates in the committed
 * output, and every window count equals the ground truth of the decided transactions. Run it
 * beside fault-processor-kill.ts (at least once: 0 lost, duplicates counted, windows counted
 * at least once) to see what the guarantee buys; docs/pipeline.md has the side-by-side table.
 *   npx pipelab run scenarios/fault-processor-kill-eos.ts
 */
import { defineScenario } from 'pipelab';

export default defineScenario({
  name: 'fault-processor-kill-eos',
  description: 'A processor SIGKILLed mid-batch under exactly-once: 0 lost, 0 duplicates, window counts exact',
  seed: 1,
  tags: { kind: 'fault', guarantee: 'exactly-once' },
  warmup: '5s',
  target: {
    type: 'pipeline',
    guarantee: 'exactly-once',
    processors: 3,
    processorMode: 'child',
    partitions: 12,
    drainTimeout: '30s',
  },
  executors: {
    main: { executor: 'constant-arrival-rate', rate: 200, duration: '40s', preAllocatedVUs: 50, maxVUs: 500 },
  },
  faults: [{ at: '15s', kind: 'kill', target: 'processor', instance: 0, label: 'processor SIGKILLed mid-batch' }],
  thresholds: {
    events_lost: ['count==0'],
    events_unseen: ['count==0'],
    events_duplicated: ['count==0'],
    windows_off: ['count==0'],
    errors: ['rate<0.01'],
  },
});
