/**
 * The seed architecture's scaling table as a ready policy set, each row an HPA on one group:
 *
 *   consumer lag > 10,000      → consumers      (new replicas ready after 30 s)
 *   CPU > 70 %                 → processors     (60 s)
 *   model response > 100 ms    → model servers  (45 s)
 *   cache hit rate < 85 %      → feature store  (20 s)
 *
 * The "scale-out" time of the table is modelled as the pod start-up delay of that group (time
 * from the decision until the new replica takes work). Lag is an External AverageValue metric
 * (10,000 per consumer); CPU a Resource utilisation target; model response a Pods metric
 * (per-replica p99 ms); the hit rate is expressed as a miss rate target of 15 % because the HPA
 * only scales up when a metric rises.
 */
import type { HpaSpec } from './hpa.ts';

export interface ScalingPolicy {
  /** the group it scales (pipeline model names: consumers, processors, modelServers, featureStore) */
  group: string;
  /** time from scale-out decision to a ready replica, ms */
  startupDelayMs: number;
  hpa: HpaSpec;
}

export function seedPolicies(
  max: { consumers?: number; processors?: number; modelServers?: number; featureStore?: number } = {},
): ScalingPolicy[] {
  return [
    {
      group: 'consumers',
      startupDelayMs: 30_000,
      hpa: {
        name: 'lag>10k→consumers',
        target: 'consumers',
        maxReplicas: max.consumers ?? 12,
        metrics: [{ type: 'External', name: 'consumer_lag', target: { type: 'AverageValue', value: 10_000 } }],
      },
    },
    {
      group: 'processors',
      startupDelayMs: 60_000,
      hpa: {
        name: 'cpu>70%→processors',
        target: 'processors',
        maxReplicas: max.processors ?? 12,
        metrics: [{ type: 'Resource', name: 'cpu', target: { type: 'Utilization', value: 70 } }],
      },
    },
    {
      group: 'modelServers',
      startupDelayMs: 45_000,
      hpa: {
        name: 'model>100ms→modelServers',
        target: 'modelServers',
        maxReplicas: max.modelServers ?? 20,
        metrics: [{ type: 'Pods', name: 'model_response_ms', target: { type: 'AverageValue', value: 100 } }],
      },
    },
    {
      group: 'featureStore',
      startupDelayMs: 20_000,
      hpa: {
        name: 'hit<85%→featureStore',
        target: 'featureStore',
        maxReplicas: max.featureStore ?? 8,
        metrics: [{ type: 'Object', name: 'cache_miss_pct', target: { type: 'Value', value: 15 } }],
      },
    },
  ];
}
