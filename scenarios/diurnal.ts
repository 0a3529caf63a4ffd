/**
 * diurnal: 24 hours of simulated time with a daily load wave (300 events/s on average, ±70 %,
 * peak at 14:00), KEDA's Kafka scaler on the consumers (lag threshold 500, scale to zero off)
 * and the seed table's model-server rule. Shows how replicas follow the day, what the day costs,
 * and a known weakness of lag-based scaling: lag measures backlog, not load, so once the added
 * consumers drain it the scaler recommends one replica again, the HPA drops back after its 300 s
 * downscale window, the lag regrows, and the consumers flap through the busy hours (see the
 * timeline chart and the SLO minutes). Try a CPU rule beside it, or a longer scale-down window.
 *   npx pipelab run scenarios/diurnal.ts      (a few minutes of wall time)
 */
import { defineSimulation, seedPolicies } from 'pipelab';

const HOUR = 3_600_000;

export default defineSimulation({
  name: 'diurnal',
  description: '24 h daily wave with KEDA on the consumers (simulated)',
  seed: 11,
  durationMs: 24 * HOUR,
  warmupMs: 60_000,
  arrivals: { kind: 'diurnal', mean: 300, amplitude: 0.7, periodMs: 24 * HOUR, peakAtMs: 14 * HOUR },
  partitions: 12,
  keys: { count: 50_000, zipfS: 0.9 },
  // heavy per-event processing (5 ms of CPU): one instance handles ~190 events/s
  consumers: {
    replicas: 1,
    maxReplicas: 12,
    cores: 1,
    maxInFlight: 64,
    process: { type: 'lognormal', medianMs: 5, sigma: 0.3 },
    rebalancePauseMs: 3_000,
    startupDelayMs: 30_000,
  },
  featureStore: { replicas: 1, hitRate: 0.9 },
  // a slow model: ~600 events/s per replica at full batches
  modelServer: {
    replicas: 1,
    maxReplicas: 6,
    batchSize: 32,
    maxWaitMs: 10,
    batch: { type: 'lognormal', medianMs: 20, sigma: 0.3 },
    perItemMs: 1,
  },
  autoscaling: {
    keda: { lagThreshold: 500, minReplicaCount: 1, maxReplicaCount: 12 },
    policies: seedPolicies({ modelServers: 6 }).filter((p) => p.group === 'modelServers'),
  },
  slo: { p99Ms: 500 },
  cost: {
    consumers: { instance: 'c6i.large', pricing: 'spot' },
    modelServers: { instance: 'c6i.xlarge' },
    featureStore: { instance: 'r6i.large', pricing: 'reserved' },
  },
  stageHistograms: false,
  // one point a minute in summary.json (a day of per-second points would be ~90 MB)
  seriesIntervalMs: 60_000,
});
