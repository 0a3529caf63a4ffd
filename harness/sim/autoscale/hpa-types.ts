/** The HorizontalPodAutoscaler's spec (autoscaling/v2: metrics, behavior, tolerance) and the input of one sync. */
import type { PodSample } from './types.ts';

export interface HpaPolicy {
  type: 'Pods' | 'Percent';
  value: number;
  periodSeconds: number;
}
export interface HpaScalingRules {
  stabilizationWindowSeconds?: number;
  selectPolicy?: 'Max' | 'Min' | 'Disabled';
  policies?: HpaPolicy[];
  /** KEP-4951 per-direction tolerance (defaults to the controller's tolerance) */
  tolerance?: number;
}
export interface HpaBehavior {
  scaleUp?: HpaScalingRules;
  scaleDown?: HpaScalingRules;
}

export type HpaMetric =
  /** per-pod metrics (Resource CPU utilisation %, or a Pods metric), averaged over ready pods */
  | { type: 'Resource' | 'Pods'; name: string; target: { type: 'Utilization' | 'AverageValue'; value: number } }
  /** one value for the whole target (e.g. total consumer lag) */
  | { type: 'External' | 'Object'; name: string; target: { type: 'AverageValue' | 'Value'; value: number } };

export interface HpaSpec {
  name?: string;
  /** the scaled group's name, for the decision log */
  target?: string;
  minReplicas?: number;
  maxReplicas: number;
  metrics: HpaMetric[];
  behavior?: HpaBehavior;
  /** --horizontal-pod-autoscaler-tolerance (0.1) */
  tolerance?: number;
  /** --horizontal-pod-autoscaler-sync-period (15 s) */
  syncPeriodMs?: number;
  /** --horizontal-pod-autoscaler-downscale-stabilization, legacy path only (300 s) */
  downscaleStabilizationMs?: number;
}

export interface HpaInput {
  nowMs: number;
  /** spec.replicas of the scale target */
  currentReplicas: number;
  /** the target's pods (per-pod metrics and readiness) */
  pods: PodSample[];
  /** External/Object metric values by name (undefined = could not be read) */
  external?: Record<string, number | undefined>;
}
