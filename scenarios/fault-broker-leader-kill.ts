/**
 * fault-broker-leader-kill: the reference pipeline on the replicated 3-node embedded cluster (one
 * OS process per node, replication factor 3, min.insync.replicas 2). At 15 s the node leading
 * partition 0 of `transactions` is SIGKILLed; the controller elects new leaders from the in-sync
 * replicas, the producer (acks=all, idempotent) and the processors follow the new leaders, and
 * the groups the dead node coordinated move with their committed offsets (kept in the replicated
 * __consumer_offsets). 10 s later the node comes back with an empty log and catches up. At least
 * once: nothing acknowledged is lost; redelivered events are duplicates, counted, never hidden.
 * The report gives p99 during the fault, the minutes over the SLA and the time to recover.
 *   npx pipelab run scenarios/fault-broker-leader-kill.ts
 */
import { defineScenario } from 'pipelab';

export default defineScenario({
  name: 'fault-broker-leader-kill',
  description: 'A broker leader SIGKILLed in a 3-node cluster, back 10 s later: new leaders from the ISR, 0 lost',
  seed: 1,
  tags: { kind: 'fault' },
  warmup: '5s',
  target: { type: 'pipeline', brokers: 3, processors: 2, partitions: 6, drainTimeout: '30s' },
  executors: {
    main: { executor: 'constant-arrival-rate', rate: 200, duration: '40s', preAllocatedVUs: 50, maxVUs: 500 },
  },
  faults: [
    { at: '15s', duration: '10s', kind: 'kill', target: 'broker', role: 'leader', label: 'broker leader SIGKILLed' },
  ],
  thresholds: {
    events_lost: ['count==0'],
    events_unseen: ['count==0'],
  },
});
