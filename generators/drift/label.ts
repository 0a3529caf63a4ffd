/**
 * Label drift (prior shift): P(y = 1) changes while P(x | y) stays put. y ~ Bernoulli(prior),
 * x | y ~ N(means[y], 1). Each change of prior is sudden or gradual (MOA's sigmoid mixture).
 */
import { Rng } from '../rng.ts';
import { sigmoidProbability, sigmoidTruth } from './sigmoid.ts';
import type { ClassificationStream, DriftGroundTruth, Sample } from './types.ts';

export interface LabelDriftOptions {
  seed: number;
  n: number;
  prior: number;
  drifts: Array<{ at: number; width?: number; prior: number }>;
  /** class-conditional means of the single feature (default [0, 2]) */
  means?: [number, number];
}

export function labelDriftStream(opts: LabelDriftOptions): ClassificationStream {
  const means = opts.means ?? [0, 2];
  const drifts = [...opts.drifts].sort((a, b) => a.at - b.at);
  const truths: DriftGroundTruth[] = drifts.map((d, i) =>
    sigmoidTruth(d.at, d.width ?? 0, 'label', `P(y=1) ${i ? drifts[i - 1]!.prior : opts.prior}→${d.prior}`),
  );
  const rng = new Rng(opts.seed);
  const mix = rng.fork('mix');
  const draw = rng.fork('draw');
  const samples: Sample[] = [];
  for (let t = 0; t < opts.n; t++) {
    let prior = opts.prior;
    let c = 0;
    for (const d of drifts) {
      if (mix.next() < sigmoidProbability(t, d.at, d.width ?? 0)) {
        prior = d.prior;
        c++;
      } else break;
    }
    const y = draw.bernoulli(prior) ? 1 : 0;
    samples.push({ x: [draw.normal(means[y] as number, 1)], y, concept: c });
  }
  return { name: 'label-drift', features: ['x'], samples, drifts: truths, seed: opts.seed };
}
