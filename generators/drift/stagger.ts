/**
 * STAGGER concepts (Schlimmer & Granger, 1986): size, color, shape each in {0, 1, 2}
 * (small/medium/large, red/green/blue, circle/square/triangle).
 * Concept 0: size small AND color red; 1: color green OR shape circle; 2: size medium OR large.
 */
import type { Concept } from './types.ts';

const RULES: Array<(x: readonly number[]) => boolean> = [
  (x) => x[0] === 0 && x[1] === 0,
  (x) => x[1] === 1 || x[2] === 0,
  (x) => x[0] === 1 || x[0] === 2,
];

export function staggerConcept(concept: number, noise = 0): Concept {
  const rule = RULES[concept];
  if (!rule) throw new RangeError(`STAGGER concept must be 0..2, got ${concept}`);
  const label = (x: readonly number[]): number => (rule(x) ? 1 : 0);
  return {
    name: `stagger-${concept}`,
    features: ['size', 'color', 'shape'],
    label,
    sample(rng) {
      const x = [rng.int(3), rng.int(3), rng.int(3)];
      let y = label(x);
      if (noise > 0 && rng.next() < noise) y = 1 - y;
      return { x, y };
    },
  };
}
