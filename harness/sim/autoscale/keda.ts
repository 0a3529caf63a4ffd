/**
 * KEDA's Apache Kafka scaler (pkg/scalers/kafka_scaler.go), reimplemented from its documented
 * behaviour, feeding an HPA (legacy path, as KEDA creates it without `behavior`) with an
 * External AverageValue metric of `lagThreshold`:
 * - partition lag = latest − committed; with no committed offset, 1 under offsetResetPolicy
 *   `latest` (0 with scaleToZeroOnInvalidOffset) and the latest offset under `earliest`;
 * - unless allowIdleConsumers, the lag is capped so that floor(totalLag / lagThreshold) does not
 *   exceed the partition count (or the partitions with lag, with limitToPartitionsWithLag);
 *   the floor means the HPA's ceil can still ask for one replica more than partitions;
 * - the scaler is active when the lag exceeds activationLagThreshold; KEDA polls every
 *   pollingInterval (30 s): it scales 0 → 1 when active, and back to 0 once inactive for
 *   cooldownPeriod (300 s); between 1 and max the HPA decides on its own 15 s sync.
 */
import { Hpa, type HpaSpec } from './hpa.ts';
import type { ScaleDecision } from './types.ts';
import { withDefaults } from '../../../results/defaults.ts';

export interface KafkaPartitionOffsets {
  /** log end offset */
  latest: number;
  /** committed offset of the consumer group, null when the group never committed */
  committed: number | null;
}

export interface KedaKafkaOptions {
  lagThreshold?: number;
  activationLagThreshold?: number;
  offsetResetPolicy?: 'latest' | 'earliest';
  allowIdleConsumers?: boolean;
  limitToPartitionsWithLag?: boolean;
  scaleToZeroOnInvalidOffset?: boolean;
  pollingIntervalMs?: number;
  cooldownPeriodMs?: number;
  minReplicaCount?: number;
  maxReplicaCount?: number;
  /** HPA tweaks passed through (KEDA's advanced.horizontalPodAutoscalerConfig) */
  hpa?: Partial<Pick<HpaSpec, 'behavior' | 'tolerance' | 'syncPeriodMs' | 'downscaleStabilizationMs'>>;
  name?: string;
  target?: string;
}

export const KEDA_KAFKA_DEFAULTS = {
  lagThreshold: 10,
  activationLagThreshold: 0,
  offsetResetPolicy: 'latest' as 'latest' | 'earliest',
  allowIdleConsumers: false,
  limitToPartitionsWithLag: false,
  scaleToZeroOnInvalidOffset: false,
  pollingIntervalMs: 30_000,
  cooldownPeriodMs: 300_000,
  minReplicaCount: 0,
  maxReplicaCount: 100,
};

export interface KafkaLag {
  /** the value handed to the HPA (after the partition cap) */
  totalLag: number;
  /** lag before the cap */
  rawLag: number;
  partitions: number;
  partitionsWithLag: number;
  /** whether the cap applied */
  capped: boolean;
}

function partitionLag(
  p: KafkaPartitionOffsets,
  o: Pick<typeof KEDA_KAFKA_DEFAULTS, 'offsetResetPolicy' | 'scaleToZeroOnInvalidOffset'>,
): number {
  if (p.committed === null || p.committed < 0) {
    if (o.offsetResetPolicy === 'latest') return o.scaleToZeroOnInvalidOffset ? 0 : 1;
    return p.latest;
  }
  return Math.max(0, p.latest - p.committed);
}

/** the scaler's metric: total lag over partitions, capped as KEDA caps it */
export function kafkaTotalLag(partitions: KafkaPartitionOffsets[], options: KedaKafkaOptions = {}): KafkaLag {
  const o = withDefaults(KEDA_KAFKA_DEFAULTS, options);
  let raw = 0,
    withLag = 0;
  for (const p of partitions) {
    const l = partitionLag(p, o);
    raw += l;
    if (l > 0) withLag++;
  }
  let total = raw,
    capped = false;
  if (!o.allowIdleConsumers || o.limitToPartitionsWithLag) {
    const bound = o.limitToPartitionsWithLag ? withLag : partitions.length;
    if (Math.floor(total / o.lagThreshold) > bound) {
      total = bound * o.lagThreshold;
      capped = true;
    }
  }
  return { totalLag: total, rawLag: raw, partitions: partitions.length, partitionsWithLag: withLag, capped };
}

/** a ScaledObject with one Kafka trigger: KEDA's activation loop plus the HPA it owns */
export class KedaKafkaScaler {
  readonly options: typeof KEDA_KAFKA_DEFAULTS & KedaKafkaOptions;
  readonly hpa: Hpa;
  readonly name: string;
  readonly log: ScaleDecision[] = [];
  private lastActiveMs = -Infinity;

  constructor(options: KedaKafkaOptions = {}) {
    this.options = withDefaults(KEDA_KAFKA_DEFAULTS, options);
    this.name = options.name ?? 'keda-kafka';
    const o = this.options;
    this.hpa = new Hpa({
      name: `${this.name}/hpa`,
      target: options.target ?? 'consumers',
      minReplicas: Math.max(1, o.minReplicaCount),
      maxReplicas: o.maxReplicaCount,
      metrics: [{ type: 'External', name: 'kafka_lag', target: { type: 'AverageValue', value: o.lagThreshold } }],
      ...o.hpa,
    });
  }

  get pollingIntervalMs(): number {
    return this.options.pollingIntervalMs;
  }
  get syncPeriodMs(): number {
    return this.hpa.syncPeriodMs;
  }

  /** KEDA's poll (every pollingInterval): activation 0 ↔ 1 and the cooldown to zero */
  poll(nowMs: number, currentReplicas: number, partitions: KafkaPartitionOffsets[]): ScaleDecision {
    const o = this.options;
    const lag = kafkaTotalLag(partitions, o);
    const active = lag.rawLag > o.activationLagThreshold;
    if (active) this.lastActiveMs = nowMs;
    let final = currentReplicas,
      reason: string;
    if (currentReplicas === 0 && active) {
      final = Math.max(1, o.minReplicaCount);
      reason = `active (lag ${lag.rawLag} > activation ${o.activationLagThreshold}): scale from zero`;
    } else if (currentReplicas > 0 && !active && o.minReplicaCount === 0) {
      if (nowMs - this.lastActiveMs >= o.cooldownPeriodMs) {
        final = 0;
        reason = `inactive for ≥ cooldownPeriod ${o.cooldownPeriodMs / 1000} s: scale to zero`;
      } else
        reason =
          `inactive, waiting for cooldownPeriod ` +
          `(${((o.cooldownPeriodMs - (nowMs - this.lastActiveMs)) / 1000).toFixed(0)} s left)`;
    } else reason = active ? 'active: the HPA decides between 1 and max' : 'inactive at minReplicaCount';
    const d: ScaleDecision = {
      timeMs: nowMs,
      controller: this.name,
      target: this.hpa.spec.target ?? 'consumers',
      metrics: { kafka_lag: lag.totalLag, kafka_lag_raw: lag.rawLag },
      current: currentReplicas,
      recommendation: final,
      stabilized: final,
      final,
      reason,
    };
    this.log.push(d);
    return d;
  }

  /** the HPA's sync (every 15 s): only while there is at least one replica */
  sync(nowMs: number, currentReplicas: number, partitions: KafkaPartitionOffsets[]): ScaleDecision | undefined {
    if (currentReplicas === 0) return undefined;
    const lag = kafkaTotalLag(partitions, this.options);
    const d = this.hpa.decide({ nowMs, currentReplicas, pods: [], external: { kafka_lag: lag.totalLag } });
    if (lag.capped) d.reason += ` (lag capped at ${lag.partitions} partitions × ${this.options.lagThreshold})`;
    this.log.push(d);
    return d;
  }
}
