/**
 * MOA's ConceptDriftStream transition: an observation at time t comes from the new concept with
 * probability 1 / (1 + e^(−4(t − position)/width)). `width` 0 is a sudden switch at `position`.
 * The ground-truth span we record for such a drift is [position − width/2, position + width/2]
 * (P(new) ≈ 0.12 → 0.88).
 */
import type { DriftShape, DriftTarget, DriftGroundTruth } from './types.ts';

export function sigmoidProbability(t: number, position: number, width: number): number {
  if (width <= 0) return t >= position ? 1 : 0;
  return 1 / (1 + Math.exp((-4 * (t - position)) / width));
}

export function sigmoidTruth(position: number, width: number, target: DriftTarget, note?: string): DriftGroundTruth {
  const shape: DriftShape = width > 0 ? 'gradual' : 'sudden';
  const onset = Math.max(0, Math.round(position - width / 2));
  const end = Math.round(position + width / 2);
  return { onset, end, width: end - onset, shape, target, ...(note ? { note } : {}) };
}
