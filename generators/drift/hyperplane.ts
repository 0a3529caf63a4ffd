/**
 * Rotating hyperplane (Hulten, Spencer & Domingos, KDD 2001; River's `synth.Hyperplane`):
 * x ~ U(0,1)^d, y = 1 when Σ wᵢxᵢ ≥ ½ Σ wᵢ; label noise flips y with probability `noise`.
 * After each sample the first `driftFeatures` weights move by `magChange` in their direction,
 * which reverses with probability `sigma` — an incremental concept drift. We add `onset`: the
 * weights stay still before it, so the drift has a known start (ground truth: incremental from
 * onset to the end of the stream).
 */
import { Rng } from '../rng.ts';
import type { ClassificationStream, Concept, Sample } from './types.ts';

export interface HyperplaneOptions {
  features?: number;
  driftFeatures?: number;
  magChange?: number;
  sigma?: number;
  noise?: number;
  /** first index at which the weights start to move (default 0) */
  onset?: number;
}

export function hyperplaneConcept(rng: Rng, opts: HyperplaneOptions = {}): Concept {
  const d = opts.features ?? 10;
  const k = Math.min(opts.driftFeatures ?? 2, d);
  const mag = opts.magChange ?? 0;
  const sigma = opts.sigma ?? 0.1;
  const noise = opts.noise ?? 0.05;
  const onset = opts.onset ?? 0;
  const init = rng.fork('hyperplane-weights');
  const w = Array.from({ length: d }, () => init.next());
  const w0 = [...w];
  const dir = Array.from({ length: d }, () => 1);
  const labelWith = (weights: readonly number[], x: readonly number[]): number => {
    let s = 0,
      total = 0;
    for (let i = 0; i < d; i++) {
      s += (weights[i] as number) * (x[i] as number);
      total += weights[i] as number;
    }
    return s >= total / 2 ? 1 : 0;
  };
  return {
    name: 'hyperplane',
    features: Array.from({ length: d }, (_, i) => `x${i}`),
    // the "old model": the hyperplane as it was before any rotation
    label: (x) => labelWith(w0, x),
    sample(r, t) {
      const x = Array.from({ length: d }, () => r.next());
      let y = labelWith(w, x);
      if (noise > 0 && r.next() < noise) y = 1 - y;
      if (t >= onset && mag > 0) {
        for (let i = 0; i < k; i++) {
          w[i] = (w[i] as number) + (dir[i] as number) * mag;
          if (r.next() < sigma) dir[i] = -(dir[i] as number);
        }
      }
      return { x, y };
    },
  };
}

/** a rotating-hyperplane stream whose drift starts at `onset` (incremental to the end) */
export function hyperplaneStream(opts: HyperplaneOptions & { seed: number; n: number }): ClassificationStream {
  const root = new Rng(opts.seed);
  const concept = hyperplaneConcept(root, opts);
  const draw = root.fork('draw');
  const samples: Sample[] = [];
  for (let t = 0; t < opts.n; t++) samples.push({ ...concept.sample(draw, t), concept: 0 });
  const onset = opts.onset ?? 0;
  const moving = (opts.magChange ?? 0) > 0;
  return {
    name: 'hyperplane',
    features: concept.features,
    samples,
    drifts: moving
      ? [
          {
            onset,
            end: opts.n - 1,
            width: opts.n - 1 - onset,
            shape: 'incremental',
            target: 'concept',
            note: `mag_change ${opts.magChange}`,
          },
        ]
      : [],
    seed: opts.seed,
  };
}
