/**
 * Step 1 of the HPA algorithm: one metric's proposal. External/Object metrics propose from one
 * value for the whole target; per-pod metrics from the ready pods' average, with missing and
 * not-ready pods filled in (at target on scale-down, 0 on scale-up) when that changes the answer.
 */
import type { HpaInput, HpaMetric } from './hpa-types.ts';

// Ceil with a guard against floating-point noise (e.g. 0.7 × 10 / 0.7 = 10.000000000000002).
const ceil = (x: number): number => Math.ceil(x - 1e-9);

export interface Proposal {
  replicas: number;
  value: number | null;
  reason: string;
  valid: boolean;
}

type InBand = (ratio: number) => boolean;

/** inside the tolerance band the metric proposes the current count */
function inTolerance(m: HpaMetric, ratio: number, current: number, value: number): Proposal {
  return { replicas: current, value, reason: `${m.name}: ratio ${ratio.toFixed(3)} within tolerance`, valid: true };
}

export function metricProposal(m: HpaMetric, input: HpaInput, inBand: InBand): Proposal {
  return m.type === 'External' || m.type === 'Object'
    ? externalProposal(m, input, inBand)
    : podProposal(m, input, inBand);
}

function externalProposal(m: HpaMetric, input: HpaInput, inBand: InBand): Proposal {
  const current = input.currentReplicas;
  const v = input.external?.[m.name];
  if (v === undefined || !Number.isFinite(v))
    return { replicas: current, value: null, reason: `${m.name}: metric missing`, valid: false };
  if (m.target.type === 'AverageValue') {
    const ratio = current > 0 ? v / (m.target.value * current) : Infinity;
    if (current > 0 && inBand(ratio)) return inTolerance(m, ratio, current, v);
    return {
      replicas: ceil(v / m.target.value),
      value: v,
      reason: `${m.name}: ceil(${v} / ${m.target.value})`,
      valid: true,
    };
  }
  const ready = input.pods.filter((p) => p.ready).length;
  const ratio = v / m.target.value;
  // at zero replicas (minReplicas 0) the ratio alone decides, without tolerance
  if (current === 0)
    return {
      replicas: ceil(ratio),
      value: v,
      reason: `${m.name}: ceil(${ratio.toFixed(3)}) from zero`,
      valid: true,
    };
  if (inBand(ratio)) return inTolerance(m, ratio, current, v);
  return {
    replicas: ceil(ratio * ready),
    value: v,
    reason: `${m.name}: ceil(${ratio.toFixed(3)} × ${ready} ready)`,
    valid: true,
  };
}

function podProposal(m: HpaMetric, input: HpaInput, inBand: InBand): Proposal {
  const current = input.currentReplicas;
  const target = m.target.value;
  const readyVals: number[] = [];
  let missing = 0,
    unready = 0;
  for (const p of input.pods) {
    if (!p.ready) {
      unready++;
      continue;
    }
    const v = p.values[m.name];
    if (v === undefined || !Number.isFinite(v)) missing++;
    else readyVals.push(v);
  }
  if (readyVals.length === 0)
    return { replicas: current, value: null, reason: `${m.name}: no ready pod reports it`, valid: false };
  let sum = 0;
  for (const v of readyVals) sum += v;
  const avg = sum / readyVals.length;
  const ratio = avg / target;
  const readyCount = readyVals.length + missing;
  const rebalanceUnready = unready > 0 && ratio > 1;
  if (!rebalanceUnready && missing === 0) {
    if (inBand(ratio)) return inTolerance(m, ratio, current, avg);
    return {
      replicas: ceil(ratio * readyCount),
      value: avg,
      reason: `${m.name}: ceil(${ratio.toFixed(3)} × ${readyCount} ready)`,
      valid: true,
    };
  }
  // fill in missing pods (at target on scale-down, 0 on scale-up) and not-ready pods (0, scale-up only)
  let n = readyVals.length;
  let total = sum;
  if (missing > 0) {
    total += ratio < 1 ? missing * target : 0;
    n += missing;
  }
  if (rebalanceUnready) n += unready;
  const newRatio = total / (n * target);
  if (inBand(newRatio) || (ratio < 1 && newRatio > 1) || (ratio > 1 && newRatio < 1)) {
    return {
      replicas: current,
      value: avg,
      reason:
        `${m.name}: ratio ${ratio.toFixed(3)} → ${newRatio.toFixed(3)} after counting ${missing} ` +
        `missing / ${rebalanceUnready ? unready : 0} not-ready pods: no change`,
      valid: true,
    };
  }
  const r = ceil(newRatio * n);
  if ((newRatio < 1 && r > current) || (newRatio > 1 && r < current)) {
    return {
      replicas: current,
      value: avg,
      reason: `${m.name}: recomputed ${r} would move against the metric: no change`,
      valid: true,
    };
  }
  return {
    replicas: r,
    value: avg,
    reason: `${m.name}: ceil(${newRatio.toFixed(3)} × ${n} pods incl. missing/not-ready)`,
    valid: true,
  };
}
