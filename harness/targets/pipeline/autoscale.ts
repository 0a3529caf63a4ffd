/**
 * Live autoscaling of the pipeline target's stream processors (embedded broker): the same
 * controllers the simulator runs (harness/sim/autoscale) decide on the consumer group's lag read
 * from the embedded broker, and real processor instances join or leave the consumer group.
 *
 *   autoscale: { policy: 'keda', min: 1, max: 4, lagThreshold: 500, syncPeriod: '2s' }
 *
 * - `keda`: KEDA's Kafka scaler (lag capped by partitions, activation, its HPA on the legacy
 *   path); `seed`: the seed table's lag rule, an HPA on External `consumer_lag` AverageValue
 *   (10 000 per instance unless `lagThreshold` says otherwise).
 * - Kubernetes' periods (15 s HPA sync, 30 s KEDA polling, 300 s scale-down stabilization) are
 *   too long for runs of seconds, so `syncPeriod`, `pollingInterval` and
 *   `downscaleStabilization` default to 2 s, 2 s and 10 s here; the algorithms are unchanged.
 * - Scale-out starts new in-process instances (they join the group; the rebalance is real);
 *   scale-in stops the newest instances gracefully (they commit and flush their windows), so
 *   nothing is lost. Each decision that wanted a change, with its inputs, is logged.
 */
import type { z } from 'zod';
import { Hpa } from '../../sim/autoscale/hpa.ts';
import { KedaKafkaScaler, type KafkaPartitionOffsets } from '../../sim/autoscale/keda.ts';
import type { ScaleDecision } from '../../sim/autoscale/types.ts';
import type { MetricsRegistry } from '../../metrics/api.ts';
import { duration, enumOf, positiveDuration, positiveInt, strictObject } from '../../config/fields.ts';
import { parseDuration } from '../../../results/duration.ts';

export const autoscaleSchema = strictObject({
  /** 'keda': KEDA's Kafka scaler; 'seed': the seed table's rule "consumer lag > 10,000 → consumers" */
  policy: enumOf(['keda', 'seed'] as const),
  /** fewest / most processor instances (defaults: 1 / the partition count) */
  min: positiveInt().optional(),
  max: positiveInt().optional(),
  /** lag per instance the controller aims at (KEDA lagThreshold, default 10; seed: 10 000) */
  lagThreshold: positiveInt().optional(),
  /** HPA sync period (default 2s; Kubernetes: 15s) */
  syncPeriod: positiveDuration().optional(),
  /** KEDA polling interval (default 2s; KEDA: 30s) */
  pollingInterval: positiveDuration().optional(),
  /** scale-down stabilization window (default 10s; Kubernetes: 300s) */
  downscaleStabilization: duration().optional(),
});
export type AutoscaleConfig = z.output<typeof autoscaleSchema>;

export const LIVE_AUTOSCALE_DEFAULTS = {
  syncPeriodMs: 2000,
  pollingIntervalMs: 2000,
  downscaleStabilizationMs: 10_000,
  seedLagThreshold: 10_000,
};

/** what the controller loop needs from the target */
export interface ScalableGroup {
  /** instances currently in the group (started, not stopping) */
  replicas(): number;
  /** the group's lag per partition from the embedded broker */
  lag(): KafkaPartitionOffsets[];
  /** start one instance (joins the group) */
  add(): Promise<void>;
  /** stop the newest instance gracefully */
  remove(): Promise<void>;
}

export interface LiveAutoscaleLog {
  policy: 'keda' | 'seed';
  min: number;
  max: number;
  lagThreshold: number;
  syncPeriodMs: number;
  /** every decision that wanted or made a change, with its inputs (steady syncs are counted only) */
  decisions: Array<ScaleDecision & { applied: number }>;
  steadySyncs: number;
  /** {t, replicas} at the start and at every change (run time, ms) */
  replicaTimeline: Array<{ t: number; replicas: number }>;
  maxReplicas: number;
  errors: string[];
}

export class LiveAutoscaler {
  readonly log: LiveAutoscaleLog;
  private readonly keda?: KedaKafkaScaler;
  private readonly hpa?: Hpa;
  private timer: NodeJS.Timeout | undefined;
  private busy: Promise<void> | undefined;
  private stopped = false;
  private lastPollMs = -Infinity;

  constructor(
    cfg: AutoscaleConfig,
    private readonly group: ScalableGroup,
    private readonly clock: { now(): number; metrics?: MetricsRegistry },
    partitions: number,
  ) {
    const min = cfg.min ?? 1;
    const max = cfg.max ?? partitions;
    const syncPeriodMs = cfg.syncPeriod ? parseDuration(cfg.syncPeriod) : LIVE_AUTOSCALE_DEFAULTS.syncPeriodMs;
    const downscaleStabilizationMs =
      cfg.downscaleStabilization !== undefined
        ? parseDuration(cfg.downscaleStabilization)
        : LIVE_AUTOSCALE_DEFAULTS.downscaleStabilizationMs;
    const lagThreshold = cfg.lagThreshold ?? (cfg.policy === 'keda' ? 10 : LIVE_AUTOSCALE_DEFAULTS.seedLagThreshold);
    if (cfg.policy === 'keda') {
      this.keda = new KedaKafkaScaler({
        name: 'keda-kafka',
        target: 'processors',
        lagThreshold,
        minReplicaCount: min,
        maxReplicaCount: max,
        pollingIntervalMs: cfg.pollingInterval
          ? parseDuration(cfg.pollingInterval)
          : LIVE_AUTOSCALE_DEFAULTS.pollingIntervalMs,
        hpa: { syncPeriodMs, downscaleStabilizationMs },
      });
    } else {
      this.hpa = new Hpa({
        name: 'lag>threshold→processors',
        target: 'processors',
        minReplicas: min,
        maxReplicas: max,
        syncPeriodMs,
        downscaleStabilizationMs,
        metrics: [{ type: 'External', name: 'consumer_lag', target: { type: 'AverageValue', value: lagThreshold } }],
      });
    }
    this.log = {
      policy: cfg.policy,
      min,
      max,
      lagThreshold,
      syncPeriodMs,
      decisions: [],
      steadySyncs: 0,
      replicaTimeline: [],
      maxReplicas: 0,
      errors: [],
    };
  }

  start(): void {
    const n = this.group.replicas();
    this.log.replicaTimeline.push({ t: this.clock.now(), replicas: n });
    this.log.maxReplicas = n;
    this.clock.metrics?.gauge('replicas_processors').set(n, this.clock.now());
    this.timer = setInterval(() => {
      if (this.busy || this.stopped) return;
      this.busy = this.tick()
        .catch((e: unknown) => {
          this.log.errors.push((e as Error).message);
        })
        .finally(() => {
          this.busy = undefined;
        });
    }, this.log.syncPeriodMs);
  }

  /** stops deciding and waits for a scale action in progress */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.busy;
  }

  /** one sync: read lag, ask the controller, apply (exported for tests that drive it by hand) */
  async tick(): Promise<void> {
    const now = this.clock.now();
    const current = this.group.replicas();
    const lag = this.group.lag();
    let d: ScaleDecision | undefined;
    if (this.keda) {
      if (now - this.lastPollMs >= this.keda.pollingIntervalMs) {
        this.lastPollMs = now;
        const p = this.keda.poll(now, current, lag);
        if (p.final !== current) d = p;
      }
      d ??= this.keda.sync(now, current, lag);
    } else {
      const total = lag.reduce((s, p) => s + Math.max(0, p.latest - (p.committed ?? 0)), 0);
      d = this.hpa!.decide({ nowMs: now, currentReplicas: current, pods: [], external: { consumer_lag: total } });
    }
    const gauge = this.clock.metrics?.gauge('replicas_processors');
    const wanted =
      d !== undefined &&
      d.recommendation !== current &&
      d.recommendation >= this.log.min &&
      d.recommendation <= this.log.max;
    if (!d || (d.final === current && !wanted)) {
      this.log.steadySyncs++;
      gauge?.set(current, now);
      return;
    }
    const target = Math.max(this.log.min, Math.min(this.log.max, d.final));
    let n = current;
    while (n < target && !this.stopped) {
      await this.group.add();
      n++;
    }
    while (n > target && n > 1 && !this.stopped) {
      await this.group.remove();
      n--;
    }
    this.log.decisions.push({ ...d, applied: n });
    if (n !== current) {
      this.log.replicaTimeline.push({ t: this.clock.now(), replicas: n });
      this.log.maxReplicas = Math.max(this.log.maxReplicas, n);
    }
    gauge?.set(n, this.clock.now());
  }
}
