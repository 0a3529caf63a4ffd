/**
 * autoscale-spike: a 10× spike (5k → 50k events/s for 5 minutes) on 12 partitions, with the seed
 * architecture's scaling table (seedPolicies). The report shows the replica timeline, each
 * scale-out from decision to ready replicas (30 s consumers, 45 s model servers, 20 s feature
 * store, 60 s when the CPU rule drives the consumers), the lag, p99 against the 500 ms SLO,
 * SLO-violation minutes, time to recover and cost. It starts with one consumer instance at ~80 %
 * CPU, so all four rules of the table act: CPU > 70 % adds a consumer (60 s) and the cache rule a
 * feature-store replica (20 s) before the spike; the lag rule (30 s) and the model-response rule
 * (45 s) answer the spike. The p99 < 500 ms threshold fails on purpose (exit code 99): the table
 * reacts in 15 s steps plus start-up delays, too slowly for a 10× step; the report shows by how much.
 *   npx pipelab run scenarios/autoscale-spike.ts              (~30 s of wall time)
 *   npx pipelab run scenarios/autoscale-spike.ts --duration 1m   (before the spike: passes)
 */
import { defineSimulation, seedPolicies } from 'pipelab';

export default defineSimulation({
  name: 'autoscale-spike',
  description: '10× spike against the seed scaling table (simulated)',
  seed: 7,
  durationMs: 15 * 60_000,
  warmupMs: 30_000,
  loadChangeAtMs: 120_000,
  arrivals: { kind: 'spike', base: 5_000, peak: 50_000, atMs: 120_000, durationMs: 300_000 },
  partitions: 12,
  keys: { count: 100_000, zipfS: 1.0 },
  consumers: {
    replicas: 1,
    maxReplicas: 12,
    cores: 4,
    maxInFlight: 512,
    process: { type: 'lognormal', medianMs: 0.6, sigma: 0.4 },
    rebalancePauseMs: 3_000,
  },
  featureStore: {
    replicas: 1,
    maxReplicas: 6,
    hitRate: 0.82,
    hitRatePerExtraReplica: 0.02,
    hit: { type: 'lognormal', medianMs: 0.5, sigma: 0.3 },
    miss: { type: 'lognormal', medianMs: 4, sigma: 0.5 },
  },
  modelServer: {
    replicas: 2,
    maxReplicas: 16,
    batchSize: 32,
    maxWaitMs: 5,
    batch: { type: 'lognormal', medianMs: 2, sigma: 0.2 },
    perItemMs: 0.1,
  },
  sink: { write: { type: 'exponential', meanMs: 1 } },
  autoscaling: { policies: seedPolicies({ consumers: 12, modelServers: 16, featureStore: 6 }) },
  slo: { p99Ms: 500 },
  // k6 thresholds on the simulated metrics, exactly as in a live scenario
  thresholds: {
    e2e_latency: ['p(99)<500'],
    events_processed: ['rate>4000'],
  },
  cost: {
    consumers: { instance: 'c6i.xlarge' },
    modelServers: { instance: 'c6i.2xlarge' },
    featureStore: { instance: 'r6i.large' },
  },
});
