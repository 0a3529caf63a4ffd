/**
 * Categorical streams whose category mix changes (sudden, or gradual with MOA's sigmoid
 * mixture), several changes per stream.
 */
import { Rng } from '../rng.ts';
import { sigmoidProbability, sigmoidTruth } from './sigmoid.ts';
import type { CategoricalStream, DriftGroundTruth } from './types.ts';

export interface CategoricalStreamOptions {
  seed: number;
  n: number;
  categories: string[];
  /** initial weights (any positive scale) */
  weights: number[];
  drifts?: Array<{ at: number; width?: number; weights: number[] }>;
  name?: string;
}

export function categoricalDriftStream(opts: CategoricalStreamOptions): CategoricalStream {
  const k = opts.categories.length;
  const check = (w: number[], where: string): void => {
    if (w.length !== k) throw new RangeError(`${where}: ${w.length} weights for ${k} categories`);
  };
  check(opts.weights, 'weights');
  const drifts = [...(opts.drifts ?? [])].sort((a, b) => a.at - b.at);
  for (const [i, d] of drifts.entries()) check(d.weights, `drifts[${i}].weights`);
  const truths: DriftGroundTruth[] = drifts.map((d, i) =>
    sigmoidTruth(
      d.at,
      d.width ?? 0,
      'covariate',
      `mix ${(i ? drifts[i - 1]!.weights : opts.weights).join('/')}→${d.weights.join('/')}`,
    ),
  );
  const rng = new Rng(opts.seed);
  const mix = rng.fork('mix');
  const draw = rng.fork('draw');
  const values = new Int32Array(opts.n);
  for (let t = 0; t < opts.n; t++) {
    let w = opts.weights;
    for (const d of drifts) {
      if (mix.next() < sigmoidProbability(t, d.at, d.width ?? 0)) w = d.weights;
      else break;
    }
    values[t] = draw.weighted(w);
  }
  return { name: opts.name ?? 'categorical', categories: opts.categories, values, drifts: truths, seed: opts.seed };
}
