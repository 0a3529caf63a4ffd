/**
 * Kubernetes HorizontalPodAutoscaler (autoscaling/v2), following the algorithm as the
 * Kubernetes docs and pkg/controller/podautoscaler describe it (reimplemented, not copied):
 *
 * 1. Per metric: ratio = current / target; inside the tolerance band (default ±0.1) the metric
 *    proposes the current count; otherwise ceil(ratio × ready pods). Pods that are not ready are
 *    left out; pods with no metric count as at-target when scaling down and 0 when scaling up;
 *    when scaling up with not-ready pods present those count as 0. If that recomputation flips
 *    direction or lands in the band, the metric proposes no change.
 *    External / Object metrics with an AverageValue target: ceil(total / target).
 * 2. Several metrics: the largest proposal wins. If some metrics are missing and the rest
 *    propose a scale-down, nothing happens.
 * 3. current > max → max; current < min → min; current = 0 with min > 0 → scaling disabled.
 * 4. Without `behavior` (legacy path): scale-down stabilization (max of recommendations in the
 *    last 300 s), scale-up capped at max(2 × current, 4), clamp to [min, max].
 *    With `behavior`: scale-up stabilization takes the min and scale-down the max of the
 *    recommendations in their windows; rate policies (Pods / Percent per period, selectPolicy
 *    Max / Min / Disabled) limit the change relative to the count at the start of each period.
 */
import type { ScaleDecision } from './types.ts';
import { metricProposal } from './hpa-proposal.ts';
import type { HpaBehavior, HpaInput, HpaScalingRules, HpaSpec } from './hpa-types.ts';

export type { HpaBehavior, HpaInput, HpaMetric, HpaPolicy, HpaScalingRules, HpaSpec } from './hpa-types.ts';

export const HPA_DEFAULTS = {
  minReplicas: 1,
  tolerance: 0.1,
  syncPeriodMs: 15_000,
  downscaleStabilizationMs: 300_000,
  scaleUpLimitFactor: 2,
  scaleUpLimitMinimum: 4,
} as const;

/**
 * The defaults the API server fills in when spec.behavior is set; a scale-down stabilization
 * window left unset takes the controller's --horizontal-pod-autoscaler-downscale-stabilization
 * (300 s), as the controller does.
 */
function defaultBehavior(
  b: HpaBehavior,
  downscaleStabilizationMs: number = HPA_DEFAULTS.downscaleStabilizationMs,
): Required<Record<'scaleUp' | 'scaleDown', Required<Omit<HpaScalingRules, 'tolerance'>> & { tolerance?: number }>> {
  return {
    scaleUp: {
      stabilizationWindowSeconds: b.scaleUp?.stabilizationWindowSeconds ?? 0,
      selectPolicy: b.scaleUp?.selectPolicy ?? 'Max',
      policies: b.scaleUp?.policies ?? [
        { type: 'Pods', value: 4, periodSeconds: 15 },
        { type: 'Percent', value: 100, periodSeconds: 15 },
      ],
      tolerance: b.scaleUp?.tolerance,
    },
    scaleDown: {
      stabilizationWindowSeconds: b.scaleDown?.stabilizationWindowSeconds ?? downscaleStabilizationMs / 1000,
      selectPolicy: b.scaleDown?.selectPolicy ?? 'Max',
      policies: b.scaleDown?.policies ?? [{ type: 'Percent', value: 100, periodSeconds: 15 }],
      tolerance: b.scaleDown?.tolerance,
    },
  };
}

export class Hpa {
  readonly spec: HpaSpec;
  readonly name: string;
  private recommendations: { t: number; r: number }[] = [];
  private scaleEvents: { t: number; change: number; up: boolean }[] = [];
  readonly log: ScaleDecision[] = [];
  private drivenBy: string | undefined;

  constructor(spec: HpaSpec) {
    if (!(spec.maxReplicas >= 1)) throw new RangeError('maxReplicas must be ≥ 1');
    this.spec = spec;
    this.name = spec.name ?? 'hpa';
  }

  get syncPeriodMs(): number {
    return this.spec.syncPeriodMs ?? HPA_DEFAULTS.syncPeriodMs;
  }

  private tol(up: boolean): number {
    const d = this.spec.behavior ? defaultBehavior(this.spec.behavior, this.spec.downscaleStabilizationMs) : undefined;
    const t = up ? d?.scaleUp.tolerance : d?.scaleDown.tolerance;
    return t ?? this.spec.tolerance ?? HPA_DEFAULTS.tolerance;
  }

  private inBand(ratio: number): boolean {
    return ratio <= 1 + this.tol(true) && ratio >= 1 - this.tol(false);
  }

  /**
   * Start as if the controller had been running with `replicas` recommended (a steady state):
   * without this, a new HPA has no history and may scale down on its first sync, which is true
   * of a freshly created HPA but not of one that has been watching a running system.
   */
  prime(nowMs: number, replicas: number): void {
    this.recommendations.push({ t: nowMs, r: replicas });
  }

  /** one sync of the controller: returns (and logs) the decision; the caller applies `final` */
  decide(input: HpaInput): ScaleDecision {
    const { nowMs: now, currentReplicas: current } = input;
    this.drivenBy = undefined;
    const min = this.spec.minReplicas ?? HPA_DEFAULTS.minReplicas;
    const max = this.spec.maxReplicas;
    const metrics: Record<string, number | null> = {};
    const done = (recommendation: number, stabilized: number, final: number, reason: string): ScaleDecision => {
      if (final !== current) this.scaleEvents.push({ t: now, change: Math.abs(final - current), up: final > current });
      const d: ScaleDecision = {
        timeMs: now,
        controller: this.name,
        target: this.spec.target ?? this.name,
        metrics,
        current,
        recommendation,
        stabilized,
        final,
        reason,
      };
      if (this.drivenBy !== undefined) d.metric = this.drivenBy;
      this.log.push(d);
      return d;
    };
    if (current === 0 && min !== 0) return done(0, 0, 0, 'scaling disabled: current replicas is 0');
    if (current > max) return done(max, max, max, 'current replicas above maxReplicas');
    if (current < min) return done(min, min, min, 'current replicas below minReplicas');

    let best = -1,
      bestReason = '',
      invalid = 0,
      bestMetric: string | undefined;
    for (const m of this.spec.metrics) {
      const p = metricProposal(m, input, (ratio) => this.inBand(ratio));
      metrics[m.name] = p.value;
      if (!p.valid) {
        invalid++;
        bestReason ||= p.reason;
        continue;
      }
      if (p.replicas > best) {
        best = p.replicas;
        bestReason = p.reason;
        bestMetric = m.name;
      }
    }
    if (best < 0) return done(current, current, current, `no metric available (${bestReason}): no change`);
    if (invalid > 0 && best < current)
      return done(best, current, current, `some metrics missing and the rest propose a scale-down: no change`);
    this.drivenBy = bestMetric;

    return this.spec.behavior
      ? this.withBehavior(now, current, best, bestReason, min, max, done)
      : this.legacy(now, current, best, bestReason, min, max, done);
  }

  private legacy(
    now: number,
    current: number,
    rec: number,
    why: string,
    min: number,
    max: number,
    done: (a: number, b: number, c: number, r: string) => ScaleDecision,
  ): ScaleDecision {
    const window = this.spec.downscaleStabilizationMs ?? HPA_DEFAULTS.downscaleStabilizationMs;
    const cutoff = now - window;
    // samples at exactly the cutoff still count on this path (Before(cutoff) drops)
    this.recommendations = this.recommendations.filter((x) => x.t >= cutoff);
    let stabilized = rec;
    for (const x of this.recommendations) if (x.r > stabilized) stabilized = x.r;
    this.recommendations.push({ t: now, r: rec });
    let reason =
      stabilized !== rec
        ? `${why}; stabilized to ${stabilized}, the highest recommendation of the last ${window / 1000} s ` +
          `(downscale stabilization)`
        : why;
    const upLimit = Math.max(HPA_DEFAULTS.scaleUpLimitFactor * current, HPA_DEFAULTS.scaleUpLimitMinimum);
    let final = stabilized;
    if (final < min) {
      final = min;
      reason += `; raised to minReplicas ${min}`;
    } else if (final > max) {
      final = max;
      reason += `; capped at maxReplicas ${max}`;
    }
    if (final > upLimit) {
      final = upLimit;
      reason += `; capped at the scale-up limit max(2 × ${current}, 4) = ${upLimit}`;
    }
    return done(rec, stabilized, final, reason);
  }

  private withBehavior(
    now: number,
    current: number,
    rec: number,
    why: string,
    min: number,
    max: number,
    done: (a: number, b: number, c: number, r: string) => ScaleDecision,
  ): ScaleDecision {
    const b = defaultBehavior(this.spec.behavior!, this.spec.downscaleStabilizationMs);
    const upCut = now - b.scaleUp.stabilizationWindowSeconds * 1000;
    const downCut = now - b.scaleDown.stabilizationWindowSeconds * 1000;
    let up = rec,
      down = rec;
    for (const x of this.recommendations) {
      if (x.t > upCut && x.r < up) up = x.r;
      if (x.t > downCut && x.r > down) down = x.r;
    }
    let stabilized = current;
    if (stabilized < up) stabilized = up;
    if (stabilized > down) stabilized = down;
    const keep = now - Math.max(b.scaleUp.stabilizationWindowSeconds, b.scaleDown.stabilizationWindowSeconds) * 1000;
    this.recommendations = this.recommendations.filter((x) => x.t > keep);
    this.recommendations.push({ t: now, r: rec });
    let reason =
      stabilized !== rec ? `${why}; stabilized to ${stabilized} (scale-${rec > current ? 'up' : 'down'} window)` : why;

    let final = stabilized;
    if (stabilized > current) {
      let limit = this.upLimit(now, current, b.scaleUp);
      if (limit < current) limit = current;
      const cap = Math.min(limit, max);
      if (final > cap) {
        final = cap;
        reason +=
          cap === max && max <= limit
            ? `; capped at maxReplicas ${max}`
            : `; limited to ${cap} by scaleUp policies (selectPolicy ${b.scaleUp.selectPolicy})`;
      }
    } else if (stabilized < current) {
      let limit = this.downLimit(now, current, b.scaleDown);
      if (limit > current) limit = current;
      const floor = Math.max(limit, min);
      if (final < floor) {
        final = floor;
        reason +=
          floor === min && min >= limit
            ? `; raised to minReplicas ${min}`
            : `; limited to ${floor} by scaleDown policies (selectPolicy ${b.scaleDown.selectPolicy})`;
      }
    }
    if (final < min) {
      final = min;
      reason += `; raised to minReplicas ${min}`;
    }
    if (final > max) {
      final = max;
      reason += `; capped at maxReplicas ${max}`;
    }
    // keep scale events only as long as the longest policy period needs them
    const longest = Math.max(0, ...[...b.scaleUp.policies, ...b.scaleDown.policies].map((p) => p.periodSeconds)) * 1000;
    this.scaleEvents = this.scaleEvents.filter((e) => e.t > now - longest);
    return done(rec, stabilized, final, reason);
  }

  private changeIn(now: number, periodSeconds: number, up: boolean): number {
    const cut = now - periodSeconds * 1000;
    let s = 0;
    for (const e of this.scaleEvents) if (e.up === up && e.t > cut) s += e.change;
    return s;
  }

  private upLimit(now: number, current: number, rules: Required<Omit<HpaScalingRules, 'tolerance'>>): number {
    if (rules.selectPolicy === 'Disabled') return current;
    let result = rules.selectPolicy === 'Min' ? Infinity : -Infinity;
    for (const p of rules.policies) {
      const start = current - this.changeIn(now, p.periodSeconds, true) + this.changeIn(now, p.periodSeconds, false);
      const proposed = p.type === 'Pods' ? start + p.value : Math.ceil(start * (1 + p.value / 100));
      result = rules.selectPolicy === 'Min' ? Math.min(result, proposed) : Math.max(result, proposed);
    }
    return result;
  }

  private downLimit(now: number, current: number, rules: Required<Omit<HpaScalingRules, 'tolerance'>>): number {
    if (rules.selectPolicy === 'Disabled') return current;
    // for scale-down the biggest change (Max) is the smallest replica count
    let result = rules.selectPolicy === 'Min' ? -Infinity : Infinity;
    for (const p of rules.policies) {
      const start = current + this.changeIn(now, p.periodSeconds, false) - this.changeIn(now, p.periodSeconds, true);
      const proposed = p.type === 'Pods' ? start - p.value : Math.trunc(start * (1 - p.value / 100));
      result = rules.selectPolicy === 'Min' ? Math.max(result, proposed) : Math.min(result, proposed);
    }
    return result;
  }
}
