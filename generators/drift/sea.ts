/**
 * SEA concepts (Street & Kim, KDD 2001): x0, x1, x2 ~ U(0, 10); y = 1 when x0 + x1 > θ, with
 * θ = 8, 9, 7, 9.5 for variants 0–3; label noise flips y with probability `noise`.
 */
import type { Concept } from './types.ts';

export const SEA_THRESHOLDS = [8, 9, 7, 9.5] as const;

export function seaConcept(variant: number, noise = 0): Concept {
  const theta = SEA_THRESHOLDS[variant];
  if (theta === undefined) throw new RangeError(`SEA variant must be 0..3, got ${variant}`);
  const label = (x: readonly number[]): number => ((x[0] as number) + (x[1] as number) > theta ? 1 : 0);
  return {
    name: `sea-${variant}`,
    features: ['x0', 'x1', 'x2'],
    label,
    sample(rng) {
      const x = [rng.uniform(0, 10), rng.uniform(0, 10), rng.uniform(0, 10)];
      let y = label(x);
      if (noise > 0 && rng.next() < noise) y = 1 - y;
      return { x, y };
    },
  };
}
