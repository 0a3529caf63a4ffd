/**
 * Shared shapes of the autoscaling controllers. Controllers are pure state machines: the caller
 * (the simulator, or later the embedded runner) gives them observations on its own clock and
 * applies the replica counts they return; every call yields a decision record with its inputs,
 * so a report can explain why the replica timeline looks the way it does.
 */

/** one scaling decision, with everything it was based on */
export interface ScaleDecision {
  timeMs: number;
  controller: string;
  /** the scaled group, e.g. `consumers`, `modelServers` */
  target: string;
  /** the metric values read (null = missing), keyed by metric name */
  metrics: Record<string, number | null>;
  current: number;
  /** desired replicas straight from the metrics (max over metrics) */
  recommendation: number;
  /** after stabilization windows */
  stabilized: number;
  /** after rate policies and min/max: the replica count applied */
  final: number;
  /** why final is what it is (tolerance, stabilization, a policy limit, min/max, cooldown...) */
  reason: string;
  /** the metric whose proposal became the recommendation (several metrics: the largest wins) */
  metric?: string;
}

/** the state of one pod as the HPA sees it */
export interface PodSample {
  /** false while starting up (Pending / not Ready) */
  ready: boolean;
  /** per-pod metric values by metric name; undefined = no metric reported for this pod */
  values: Record<string, number | undefined>;
}
