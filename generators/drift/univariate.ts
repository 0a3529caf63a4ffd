/**
 * Numeric univariate streams with mean and variance shifts of every shape, several per stream.
 *
 * Start from `base` (normal mean/sd); each drift moves to new parameters:
 *   sudden      — switch at `at`;
 *   gradual     — MOA's sigmoid mixture: each value comes from the new distribution with
 *                 probability 1/(1 + e^(−4(t − at)/width)) (truth: [at − w/2, at + w/2]);
 *   incremental — mean and sd move linearly from old to new over [at, at + width];
 *   recurring   — the new parameters hold for `duration` values, then the old ones return
 *                 (two truths: the shift and the return).
 */
import { Rng } from '../rng.ts';
import { sigmoidProbability, sigmoidTruth } from './sigmoid.ts';
import type { DriftGroundTruth, NumericStream } from './types.ts';

export interface NormalParams {
  mean: number;
  sd: number;
}

export interface NumericDrift {
  shape: 'sudden' | 'gradual' | 'incremental' | 'recurring';
  at: number;
  width?: number;
  /** recurring only: how long the new regime lasts */
  duration?: number;
  mean?: number;
  sd?: number;
}

export interface NumericStreamOptions {
  seed: number;
  n: number;
  base?: NormalParams;
  drifts?: NumericDrift[];
  name?: string;
}

interface Segment {
  from: NormalParams;
  to: NormalParams;
  drift: NumericDrift;
}

export function numericDriftStream(opts: NumericStreamOptions): NumericStream {
  const base = opts.base ?? { mean: 0, sd: 1 };
  const drifts = [...(opts.drifts ?? [])].sort((a, b) => a.at - b.at);
  const segments: Segment[] = [];
  const truths: DriftGroundTruth[] = [];
  let current = base;
  for (const d of drifts) {
    const to = { mean: d.mean ?? current.mean, sd: d.sd ?? current.sd };
    segments.push({ from: current, to, drift: d });
    const note = `mean ${current.mean}→${to.mean}, sd ${current.sd}→${to.sd}`;
    const width = d.width ?? 0;
    if (d.shape === 'gradual') truths.push(sigmoidTruth(d.at, width, 'covariate', note));
    else if (d.shape === 'incremental')
      truths.push({ onset: d.at, end: d.at + width, width, shape: 'incremental', target: 'covariate', note });
    else if (d.shape === 'sudden')
      truths.push({ onset: d.at, end: d.at, width: 0, shape: 'sudden', target: 'covariate', note });
    else {
      const back = d.at + (d.duration ?? 0);
      truths.push({ onset: d.at, end: d.at, width: 0, shape: 'recurring', target: 'covariate', note });
      truths.push({
        onset: back,
        end: back,
        width: 0,
        shape: 'recurring',
        target: 'covariate',
        note: `back: mean ${to.mean}→${current.mean}`,
      });
    }
    if (d.shape !== 'recurring') current = to;
  }
  const rng = new Rng(opts.seed);
  const mix = rng.fork('mix');
  const draw = rng.fork('draw');
  const values = new Float64Array(opts.n);
  for (let t = 0; t < opts.n; t++) {
    let p = base;
    for (const s of segments) {
      const d = s.drift;
      const w = d.width ?? 0;
      if (d.shape === 'sudden') {
        if (t >= d.at) p = s.to;
      } else if (d.shape === 'gradual') {
        if (mix.next() < sigmoidProbability(t, d.at, w)) p = s.to;
      } else if (d.shape === 'incremental') {
        if (t >= d.at + w) p = s.to;
        else if (t >= d.at) {
          const f = w > 0 ? (t - d.at) / w : 1;
          p = { mean: s.from.mean + f * (s.to.mean - s.from.mean), sd: s.from.sd + f * (s.to.sd - s.from.sd) };
        }
      } else if (t >= d.at && t < d.at + (d.duration ?? 0)) {
        p = s.to;
      }
    }
    values[t] = draw.normal(p.mean, p.sd);
  }
  return { name: opts.name ?? 'numeric', values, drifts: truths, seed: opts.seed };
}
