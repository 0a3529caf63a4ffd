/**
 * fault-broker-leader-kill-eos: fault-broker-leader-kill under exactly-once. The reference
 * pipeline on the replicated 3-node embedded cluster (one OS process per node, replication
 * factor 3, min.insync.replicas 2), its processors consuming, transforming and producing in
 * transactions (`--guarantee exactly-once`). At 15 s the node leading partition 0 of
 * `transactions` is SIGKILLed: it may also coordinate some of the processors' transactional ids
 * (__transaction_state) and groups (__consumer_offsets). The partitions' new leaders come from the
 * in-sync replicas, the new transaction coordinators load the replicated states and finish or go
 * on with the open transactions, markers reach the new leaders, and the transactions' offsets
 * survive in __consumer_offsets. 0 lost, 0 duplicates in the committed output, every window count
 * equals the ground truth. Run it beside fault-broker-leader-kill.ts (at least once: 0 lost,
 * duplicates counted).
 *   npx pipelab run scenarios/fault-broker-leader-kill-eos.ts
 */
import { defineScenario } from 'pipelab';

export default defineScenario({
  name: 'fault-broker-leader-kill-eos',
  description: 'A broker leader SIGKILLed under exactly-once: 0 lost, 0 duplicates, window counts exact',
  seed: 1,
  tags: { kind: 'fault', guarantee: 'exactly-once' },
  warmup: '5s',
  target: {
    type: 'pipeline',
    guarantee: 'exactly-once',
    brokers: 3,
    processors: 2,
    partitions: 6,
    drainTimeout: '30s',
  },
  executors: {
    main: { executor: 'constant-arrival-rate', rate: 200, duration: '40s', preAllocatedVUs: 50, maxVUs: 500 },
  },
  faults: [
    { at: '15s', duration: '10s', kind: 'kill', target: 'broker', role: 'leader', label: 'broker leader SIGKILLed' },
  ],
  thresholds: {
    events_lost: ['count==0'],
    events_unseen: ['count==0'],
    events_duplicated: ['count==0'],
    windows_off: ['count==0'],
  },
});
